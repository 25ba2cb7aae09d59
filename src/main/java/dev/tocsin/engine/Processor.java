package dev.tocsin.engine;

/**
 * One named piece of background work. {@link #runCycle()} does one short unit of work in its own transaction,
 * claiming rows with SKIP LOCKED so that several nodes can run the same processor side by side.
 */
public interface Processor {

    String name();

    void runCycle();
}
