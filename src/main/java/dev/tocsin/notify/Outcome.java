package dev.tocsin.notify;

import java.time.Duration;

import dev.tocsin.text.SqlText;

/**
 * How one send went. {@code RETRY}: the destination is down, slow or asked us to wait ({@code retryAfter}, from
 * Retry-After); {@code throttled} when it was a rate limit (a 429, Slack's "ratelimited"), which does not count as
 * an attempt. {@code FAILED}: the destination refused the message itself (a 4xx other than 429), so sending it
 * again cannot help until somebody fixes something.
 */
record Outcome(Result result, Integer status, String reason, Duration retryAfter, boolean throttled) {

    /** A reason quotes what the destination answered, which is stored with the message (SqlText). */
    Outcome {
        reason = SqlText.storable(reason);
    }

    enum Result {
        SENT, RETRY, FAILED
    }

    static Outcome sent(Integer status) {
        return new Outcome(Result.SENT, status, null, null, false);
    }

    static Outcome retry(Integer status, String reason, Duration retryAfter) {
        return new Outcome(Result.RETRY, status, reason, retryAfter, false);
    }

    /** The destination is up but rate-limits us: retried when it says, without spending an attempt. */
    static Outcome throttled(Integer status, String reason, Duration retryAfter) {
        return new Outcome(Result.RETRY, status, reason, retryAfter, true);
    }

    static Outcome failed(Integer status, String reason) {
        return new Outcome(Result.FAILED, status, reason, null, false);
    }

    /**
     * Holds every message to the destination, on every node, not only this one: a rate limit, or a server error that
     * said when to come back (a 503 with Retry-After: a receiver under maintenance). The messages behind this one
     * would each earn the same answer, and a 503 would spend an attempt of each.
     */
    boolean holdsDestination() {
        return result == Result.RETRY && (throttled || retryAfter != null && retryAfter.compareTo(Duration.ZERO) > 0);
    }

    /** Counts against the destination's circuit breaker: it did not answer, or answered with a server error. */
    boolean destinationFault() {
        return result == Result.RETRY && !throttled && retryAfter == null && (status == null || status >= 500);
    }
}
