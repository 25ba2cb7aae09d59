package dev.tocsin.notify;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * At most {@code messages} sends in any window of {@code per}, as providers count them (Discord: 5 in 5 s).
 * Resilience4j's rate limiter refreshes in fixed cycles, which lets twice the limit through across a cycle
 * boundary, and a provider that counts a sliding window would answer 429 to that. Real time, not the application
 * clock: this is about the provider's clock.
 */
final class SlidingWindowLimit {

    private final int messages;
    private final long perNanos;
    private final ArrayDeque<Long> sent = new ArrayDeque<>();

    SlidingWindowLimit(int messages, Duration per) {
        this.messages = messages;
        this.perNanos = per.toNanos();
    }

    /** How many sends the window has room for now. */
    synchronized int available() {
        expire(System.nanoTime());
        return messages - sent.size();
    }

    synchronized void record() {
        long now = System.nanoTime();
        expire(now);
        sent.addLast(now);
    }

    /** How long until the window has room again; zero if it has room now. */
    synchronized Duration untilAvailable() {
        long now = System.nanoTime();
        expire(now);
        if (sent.size() < messages) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, sent.peekFirst() + perNanos - now));
    }

    private void expire(long now) {
        while (!sent.isEmpty() && now - sent.peekFirst() >= perNanos) {
            sent.removeFirst();
        }
    }
}
