package dev.tocsin.incident;

import java.time.Clock;
import java.time.Instant;

import dev.tocsin.engine.Pruning;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Removes the Idempotency-Keys of declarations once they no longer count ({@link IdempotencyKey#KEPT_FOR}), so that
 * the table holds about a day of them; a declaration ignores (and removes) an expired key itself.
 */
@Component
@Order(30)
class IdempotencyKeyPruning extends Pruning {

    private final IdempotencyKeyRepository keys;

    IdempotencyKeyPruning(IdempotencyKeyRepository keys, Clock clock) {
        super(clock);
        this.keys = keys;
    }

    @Override
    public String name() {
        return "idempotency-keys";
    }

    @Override
    protected int pruneAt(Instant now) {
        return keys.pruneBefore(now.minus(IdempotencyKey.KEPT_FOR));
    }
}
