package dev.tocsin.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor that deletes rows once they no longer count, at most once a minute: nothing depends on a row going at
 * the second, since what reads them ignores the old ones itself. Every node may run it; deleting twice deletes nothing
 * more. Logs {@code event=<name>.pruned} (its name with underscores) when it deleted something.
 */
public abstract class Pruning implements Processor {

    private static final Duration EVERY = Duration.ofMinutes(1);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final Clock clock;
    private Instant lastRun = Instant.MIN;

    protected Pruning(Clock clock) {
        this.clock = clock;
    }

    /** Deletes the rows that no longer count at {@code now}; returns how many. */
    protected abstract int pruneAt(Instant now);

    @Override
    public final void runCycle() {
        Instant now = clock.instant();
        // A clock set back (a test's, an operator's) runs it rather than waiting for the old time to come again.
        if (!now.isBefore(lastRun) && now.isBefore(lastRun.plus(EVERY))) {
            return;
        }
        int pruned = pruneAt(now);
        lastRun = now;
        if (pruned > 0) {
            log.debug("event={}.pruned count={}", name().replace('-', '_'), pruned);
        }
    }
}
