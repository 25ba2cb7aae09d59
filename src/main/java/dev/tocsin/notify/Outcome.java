package dev.tocsin.notify;

import java.time.Duration;

import dev.tocsin.text.SqlText;

/**
 * How one send went. {@code RETRY}: the destination is down, slow or asked us to wait ({@code retryAfter}, from
 * Retry-After). {@code FAILED}: the destination refused the message itself (a 4xx other than 429), so sending it
 * again cannot help until somebody fixes something.
 */
record Outcome(Result result, Integer status, String reason, Duration retryAfter) {

    /** A reason quotes what the destination answered, which is stored with the message (SqlText). */
    Outcome {
        reason = SqlText.storable(reason);
    }

    enum Result {
        SENT, RETRY, FAILED
    }

    static Outcome sent(Integer status) {
        return new Outcome(Result.SENT, status, null, null);
    }

    static Outcome retry(Integer status, String reason, Duration retryAfter) {
        return new Outcome(Result.RETRY, status, reason, retryAfter);
    }

    static Outcome failed(Integer status, String reason) {
        return new Outcome(Result.FAILED, status, reason, null);
    }

    /** Counts against the destination's circuit breaker: it did not answer, or answered with a server error. */
    boolean destinationFault() {
        return result == Result.RETRY && retryAfter == null && (status == null || status >= 500);
    }
}
