package dev.tocsin.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.engine.Processor;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seed 000's response targets (P0 5 min … P3 24 h): an incident still unacknowledged at "opened + target" is marked
 * as breached, on its timeline and in {@code tocsin.incidents.response_target_breaches}.
 *
 * <p>Each incident carries its due time ({@code response_due_at}, set when it opens and when its severity changes),
 * and this processor claims the due ones with one indexed query per tick. It replaced a db-scheduler timer per
 * incident: at intake rates where alerts open hundreds of incidents a second, those timers cost a row with four
 * indexes at every open, and five minutes later hundreds of separate firings a second, each taking the timeline lock
 * (docs/performance.md). A due time is cleared when it is handled, whether or not the incident was still waiting;
 * acknowledging or resolving an incident leaves it for this processor to clear, so those stay one row update.
 * Reopening or un-acknowledging an incident starts a new wait with a new due time, so one incident can breach more than
 * once: each breach is on the timeline and counted, and {@code response_target_breached_at} keeps the first.
 */
@Component
@Order(20)
class ResponseTargets implements Processor {

    private static final int CLAIM_LIMIT = 500;

    private final IncidentRepository incidents;
    private final Timeline timeline;
    private final SeverityScale severities;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final Clock clock;
    private volatile boolean carriedOver;

    ResponseTargets(IncidentRepository incidents, Timeline timeline, TocsinConfig config, TransactionTemplate tx,
                    MeterRegistry meters, Clock clock) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.severities = config.severities();
        this.tx = tx;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "response-targets";
    }

    @Override
    public void runCycle() {
        if (!carriedOver) {
            carryOver();
            carriedOver = true;
        }
        Instant now = clock.instant();
        // A cheap indexed look first: most ticks find nothing and should not take the timeline lock.
        if (!incidents.anyResponseDue(now)) {
            return;
        }
        tx.executeWithoutResult(status -> {
            timeline.lock();
            for (Incident incident : incidents.claimResponseDue(now, CLAIM_LIMIT)) {
                incidents.clearResponseDue(incident.id());
                if (incident.acknowledgedAt() == null && incident.status() == IncidentStatus.TRIGGERED) {
                    incidents.markResponseTargetBreached(incident.id(), now);
                    recordBreach(incident, now);
                }
            }
        });
    }

    /**
     * Gives a due time to the incidents opened before response targets were kept on the incident (V7 dropped their
     * timers). Once per start; finds nothing after the first start of a node on version 7.
     */
    private void carryOver() {
        tx.executeWithoutResult(status -> {
            timeline.lock();
            for (Incident incident : incidents.awaitingResponseWithoutDueTime()) {
                severities.respondBy(incident.severity(), incident.awaitingResponseSince())
                        .ifPresent(due -> incidents.setResponseDue(incident.id(), due));
            }
        });
    }

    private void recordBreach(Incident incident, Instant now) {
        Duration target = severities.level(incident.severity()).map(SeverityScale.Level::responseTarget).orElse(null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("severity", incident.severity());
        if (target != null) {
            data.put("response_target", target.toString());
        }
        data.put("unacknowledged_for_seconds", Duration.between(incident.awaitingResponseSince(), now).toSeconds());
        timeline.append(new NewEvent("incident.response_target_breached", Actor.system("response-target"),
                incident.id(), null, incident.serviceId(), data));
        Counter.builder("tocsin.incidents.response_target_breaches")
                .description("Incidents not acknowledged within their severity's response target")
                .tag("severity", incident.severity()).register(meters).increment();
    }
}
