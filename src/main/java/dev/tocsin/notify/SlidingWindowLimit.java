package dev.tocsin.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.tocsin.config.TocsinConfig;

/**
 * At most {@code messages} sends in any window of {@code per}, as providers count them (Discord: 5 in 5 s), over the
 * sends every node made ({@code delivery_window.sends}). Resilience4j's rate limiter refreshes in fixed cycles, which
 * lets twice the limit through across a cycle boundary, and a provider that counts a sliding window would answer 429
 * to that. The times are the database's clock, not the application clock: this is about the provider's real time,
 * and the database's clock is the one clock all nodes share.
 */
record SlidingWindowLimit(int messages, Duration per, List<Instant> sends) {

    SlidingWindowLimit {
        sends = List.copyOf(sends);
    }

    /** The window as stored: epoch milliseconds, comma-separated, oldest first; empty for none. */
    static SlidingWindowLimit parse(TocsinConfig.RateLimit limit, String stored) {
        List<Instant> sends = stored == null || stored.isBlank() ? List.of()
                : Arrays.stream(stored.split(",")).map(s -> Instant.ofEpochMilli(Long.parseLong(s.strip()))).toList();
        return new SlidingWindowLimit(limit.messages(), limit.per(), sends);
    }

    String stored() {
        return sends.stream().map(s -> Long.toString(s.toEpochMilli())).collect(Collectors.joining(","));
    }

    /** How many sends the window has room for at {@code now}. */
    int available(Instant now) {
        return Math.max(0, messages - inWindow(now).size());
    }

    /** How long after {@code now} the window has room again; zero if it has room now. */
    Duration untilAvailable(Instant now) {
        List<Instant> recent = inWindow(now);
        if (recent.size() < messages) {
            return Duration.ZERO;
        }
        Instant frees = recent.get(recent.size() - messages).plus(per);
        return frees.isAfter(now) ? Duration.between(now, frees) : Duration.ZERO;
    }

    /**
     * The window with one more send at {@code time}, sends that have left it dropped. Never before the latest send: a
     * node that waited for the window's lock read the database's clock when its transaction began, and a send
     * recorded earlier than one before it would leave the window too soon.
     */
    SlidingWindowLimit recorded(Instant time) {
        Instant at = storable(time);
        List<Instant> kept = new ArrayList<>(inWindow(at));
        Instant last = kept.isEmpty() ? at : kept.get(kept.size() - 1);
        kept.add(at.isBefore(last) ? last : at);
        return new SlidingWindowLimit(messages, per, kept.subList(Math.max(0, kept.size() - messages), kept.size()));
    }

    /** The latest send; null if there is none. */
    Instant latest() {
        return sends.isEmpty() ? null : sends.get(sends.size() - 1);
    }

    /**
     * The window with the send recorded at {@code from} moved to {@code time}, when the request is over: a send that
     * has already left the window (a request slower than the window) comes back at {@code time}, as the provider may
     * only now have counted it.
     */
    SlidingWindowLimit moved(Instant from, Instant time) {
        Instant to = storable(time);
        List<Instant> kept = new ArrayList<>(inWindow(to));
        kept.remove(storable(from));
        kept.add(to);
        kept.sort(null);
        return new SlidingWindowLimit(messages, per, kept);
    }

    /** Milliseconds, as stored: a send is found again by the time it was stored at. */
    private static Instant storable(Instant time) {
        return Instant.ofEpochMilli(time.toEpochMilli());
    }

    private List<Instant> inWindow(Instant now) {
        Instant since = now.minus(per);
        return sends.stream().filter(s -> s.isAfter(since)).toList();
    }
}
