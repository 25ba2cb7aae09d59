package dev.tocsin.auth;

import java.util.Locale;

import dev.tocsin.text.SqlText;

/**
 * Who tries to sign in as whom: the user name as typed and the client's address. The name is whatever a client sends,
 * so it is cut to what the table holds (no user id is that long) and a NUL, which PostgreSQL refuses, is replaced.
 */
record SignInSource(String userName, String clientAddress) {

    static final int NAME_LENGTH = 200;
    static final int ADDRESS_LENGTH = 100;

    /** User ids are lower case; "Ana" must not be a fresh set of guesses at "ana". */
    static SignInSource of(String username, String remoteAddress) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        String address = remoteAddress == null ? "" : remoteAddress;
        return new SignInSource(SqlText.storable(SqlText.truncate(name, NAME_LENGTH)),
                SqlText.storable(SqlText.truncate(address, ADDRESS_LENGTH)));
    }
}
