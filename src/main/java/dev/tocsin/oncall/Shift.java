package dev.tocsin.oncall;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code user} is on call from {@code start} (inclusive) until {@code end} (exclusive); {@code source} says why:
 * the name of the layer that put them there, or {@value #OVERRIDE}.
 */
record Shift(String user, Instant start, Instant end, String source) {

    static final String OVERRIDE = "override";

    Shift {
        // Shifts are computed, never read from input, so a bad one is a bug rather than a bad request.
        if (user == null || source == null || start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("not a shift: " + user + " " + start + " - " + end + " " + source);
        }
    }

    boolean covers(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    Duration duration() {
        return Duration.between(start, end);
    }
}
