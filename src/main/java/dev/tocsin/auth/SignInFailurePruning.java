package dev.tocsin.auth;

import java.time.Clock;
import java.time.Instant;

import dev.tocsin.engine.Pruning;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Removes failed sign-ins once they no longer count ({@link SignInAttempts#WINDOW}), so that the table holds about a
 * quarter of an hour of them, also of names nobody tries again; the check ignores older rows itself.
 */
@Component
@Order(40)
class SignInFailurePruning extends Pruning {

    private final SignInFailureRepository failures;

    SignInFailurePruning(SignInFailureRepository failures, Clock clock) {
        super(clock);
        this.failures = failures;
    }

    @Override
    public String name() {
        return "sign-in-failures";
    }

    @Override
    protected int pruneAt(Instant now) {
        return failures.pruneBefore(now.minus(SignInAttempts.WINDOW));
    }
}
