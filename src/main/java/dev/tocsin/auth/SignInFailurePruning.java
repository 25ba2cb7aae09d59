package dev.tocsin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.tocsin.engine.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Removes failed sign-ins once they no longer count ({@link SignInAttempts#WINDOW}), so that the table holds about a
 * quarter of an hour of them, also of names nobody tries again. Once a minute at most: the check ignores older rows
 * itself. Every node may run it; deleting twice deletes nothing more.
 */
@Component
@Order(40)
class SignInFailurePruning implements Processor {

    private static final Logger log = LoggerFactory.getLogger(SignInFailurePruning.class);
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final SignInFailureRepository failures;
    private final Clock clock;
    private Instant lastRun = Instant.MIN;

    SignInFailurePruning(SignInFailureRepository failures, Clock clock) {
        this.failures = failures;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "sign-in-failures";
    }

    @Override
    public void runCycle() {
        Instant now = clock.instant();
        // A clock set back (a test's, an operator's) runs it rather than waiting for the old time to come again.
        if (!now.isBefore(lastRun) && now.isBefore(lastRun.plus(EVERY))) {
            return;
        }
        int pruned = failures.pruneBefore(now.minus(SignInAttempts.WINDOW));
        lastRun = now;
        if (pruned > 0) {
            log.debug("event=sign_in_failures.pruned count={}", pruned);
        }
    }
}
