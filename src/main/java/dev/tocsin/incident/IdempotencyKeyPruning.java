package dev.tocsin.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.tocsin.engine.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Removes the Idempotency-Keys of declarations once they no longer count ({@link IdempotencyKey#KEPT_FOR}), so that
 * the table holds about a day of them. Once a minute at most: nothing depends on a key going at the second, since a
 * declaration ignores (and removes) an expired key itself. Every node may run it; deleting twice deletes nothing more.
 */
@Component
@Order(30)
class IdempotencyKeyPruning implements Processor {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPruning.class);
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final IdempotencyKeyRepository keys;
    private final Clock clock;
    private Instant lastRun = Instant.MIN;

    IdempotencyKeyPruning(IdempotencyKeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "idempotency-keys";
    }

    @Override
    public void runCycle() {
        Instant now = clock.instant();
        // A clock set back (a test's, an operator's) runs it rather than waiting for the old time to come again.
        if (!now.isBefore(lastRun) && now.isBefore(lastRun.plus(EVERY))) {
            return;
        }
        int pruned = keys.pruneBefore(now.minus(IdempotencyKey.KEPT_FOR));
        lastRun = now;
        if (pruned > 0) {
            log.debug("event=idempotency_keys.pruned count={}", pruned);
        }
    }
}
