package dev.tocsin.alert;

import java.time.Clock;
import java.time.Instant;

import dev.tocsin.engine.Processor;
import dev.tocsin.timeline.Timeline;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Raises an alert for every heartbeat whose interval plus grace has passed without a ping. */
@Component
@Order(10)
class HeartbeatProcessor implements Processor {

    private static final int CLAIM_LIMIT = 100;

    private final HeartbeatRepository heartbeats;
    private final AlertService alerts;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final Clock clock;

    HeartbeatProcessor(HeartbeatRepository heartbeats, AlertService alerts, Timeline timeline, TransactionTemplate tx,
                       Clock clock) {
        this.heartbeats = heartbeats;
        this.alerts = alerts;
        this.timeline = timeline;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "heartbeats";
    }

    @Override
    public void runCycle() {
        Instant now = clock.instant();
        // A cheap indexed look first: most ticks find nothing and should not take the timeline lock.
        if (!heartbeats.anyOverdue(now)) {
            return;
        }
        tx.executeWithoutResult(status -> {
            timeline.lock();
            for (HeartbeatRepository.Heartbeat beat : heartbeats.claimOverdue(now, CLAIM_LIMIT)) {
                alerts.heartbeatMissed(beat, now);
            }
        });
    }
}
