package dev.tocsin;

/** The store contract on H2 in file mode, the embedded default. */
class H2StoreTest extends StoreContract {
}
