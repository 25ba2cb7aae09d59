package dev.tocsin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.stereotype.Component;

/**
 * Failed sign-ins, per user name and client address, in the database so that every node counts the same. A password
 * is only as strong as the number of guesses it takes, and the form answers one guess per bcrypt check: after
 * {@link #FAILURES_PER_CLIENT} failures within {@link #WINDOW} a client is refused that name, right password or not,
 * so a stranger can lock out only themselves; after {@link #FAILURES_PER_NAME} from any addresses the name is refused
 * to everyone, which bounds a guessing attack spread over many addresses (at most 200 guesses an hour).
 */
@Component
class SignInAttempts {

    static final int FAILURES_PER_CLIENT = 5;
    /**
     * Ten times a client's bar: one address adds at most {@link #FAILURES_PER_CLIENT} in a window before it is refused
     * (and a refused attempt is not counted), so locking a name out for everyone takes ten addresses at least.
     */
    static final int FAILURES_PER_NAME = 50;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final SignInFailureRepository failures;
    private final Clock clock;

    SignInAttempts(SignInFailureRepository failures, Clock clock) {
        this.failures = failures;
        this.clock = clock;
    }

    /**
     * Whether the password of this attempt may be checked. An admitted attempt is counted as a failure at once, before
     * the password is checked, and {@link #succeeded} takes it back: counted only after the check, a burst of requests
     * sent together would all pass the bar before the first of them was counted. Refused, nothing is written.
     */
    boolean admit(SignInSource source) {
        Instant now = clock.instant();
        if (refuses(failures.since(source, now.minus(WINDOW)), 0)) {
            return false;
        }
        long attempt = failures.insert(source, now);
        // Counted again with this attempt in: of attempts admitted side by side, the last to count sees all the others.
        if (refuses(failures.since(source, now.minus(WINDOW)), 1)) {
            failures.delete(attempt);
            return false;
        }
        return true;
    }

    /** After a wrong password (or an unknown name), already counted by {@link #admit}: true if this client is now refused. */
    boolean refusedAfterFailure(SignInSource source) {
        return refuses(failures.since(source, clock.instant().minus(WINDOW)), 0);
    }

    /** A successful sign-in forgets this client's failures for the name; other clients' still count. */
    void succeeded(SignInSource source) {
        failures.clear(source);
    }

    /** @param including attempts of this request among {@code counts}, which may reach the bar but not pass it */
    private static boolean refuses(SignInFailureRepository.Counts counts, int including) {
        return counts.byClient() - including >= FAILURES_PER_CLIENT || counts.byName() - including >= FAILURES_PER_NAME;
    }
}
