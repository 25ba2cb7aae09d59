package dev.tocsin;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what happens on other threads: polls a condition, bounded in time, and names it on failure. */
public final class Await {

    private Await() {
    }

    /** Waits up to {@code limit} for {@code condition}, polling every 25 ms. */
    public static void until(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            pause(Duration.ofMillis(25));
        }
    }

    /** Sleeps, as a test must sometimes to let a poll or a duplicate show (never to wait for a result: use until). */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
