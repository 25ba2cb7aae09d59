package dev.tocsin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Failed sign-ins per user name. A password is only as strong as the number of guesses it takes, and the sign-in
 * form answers one guess per bcrypt check: after {@link #MAX_FAILURES} failures within {@link #WINDOW} a user name is
 * refused, right password or not, until the oldest of them is that old. Kept in memory per node, as the API keys'
 * rate limits are: a cluster of N nodes allows N times as many guesses, still a handful an hour instead of thousands.
 */
@Component
class SignInAttempts {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    /** Names are whatever a client sends: past this many, names whose failures have all aged out are forgotten. */
    private static final int TIDY_ABOVE = 1000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    SignInAttempts(Clock clock) {
        this.clock = clock;
    }

    /** True while {@code username} has had too many failures to be let try again. */
    boolean locked(String username) {
        Deque<Instant> recent = failures.get(key(username));
        if (recent == null) {
            return false;
        }
        synchronized (recent) {
            dropOld(recent, clock.instant());
            return recent.size() >= MAX_FAILURES;
        }
    }

    /** Counts a wrong password (or an unknown name); true if the name is now locked. */
    boolean failed(String username) {
        Instant now = clock.instant();
        if (failures.size() > TIDY_ABOVE) {
            failures.values().removeIf(d -> {
                synchronized (d) {
                    dropOld(d, now);
                    return d.isEmpty();
                }
            });
        }
        Deque<Instant> recent = failures.computeIfAbsent(key(username), k -> new ArrayDeque<>());
        synchronized (recent) {
            dropOld(recent, now);
            recent.addLast(now);
            return recent.size() >= MAX_FAILURES;
        }
    }

    void succeeded(String username) {
        failures.remove(key(username));
    }

    private static void dropOld(Deque<Instant> recent, Instant now) {
        Instant since = now.minus(WINDOW);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(since)) {
            recent.removeFirst();
        }
    }

    /** User ids are lower case; "Ana" must not be a fresh set of guesses at "ana". */
    private static String key(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }
}
