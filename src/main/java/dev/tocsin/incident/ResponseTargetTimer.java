package dev.tocsin.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seed 000's response targets (P0 5 min … P3 24 h): a timer at "opened + target" marks an incident still
 * unacknowledged then as breached, on its timeline and in {@code tocsin.incidents.response_target_breaches}.
 * A severity change sets a timer for the new target; the old one finds the severity moved on and does nothing.
 */
@Component
class ResponseTargetTimer implements TimerHandler {

    static final String NAME = "response-target";

    private final IncidentRepository incidents;
    private final Timeline timeline;
    private final SeverityScale severities;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final Clock clock;

    ResponseTargetTimer(IncidentRepository incidents, Timeline timeline, TocsinConfig config, @Lazy Timers timers,
                        TransactionTemplate tx, MeterRegistry meters, Clock clock) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.severities = config.severities();
        this.timers = timers;
        this.tx = tx;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @EventListener
    void opened(IncidentEvent.Opened e) {
        set(e.incidentId(), e.severity(), e.openedAt());
    }

    @EventListener
    void severityChanged(IncidentEvent.SeverityChanged e) {
        set(e.incidentId(), e.to(), e.openedAt());
    }

    private void set(long incidentId, String severity, Instant openedAt) {
        severities.level(severity).ifPresent(level ->
                timers.set(NAME, incidentId + ":" + severity, openedAt.plus(level.responseTarget())));
    }

    @Override
    public void fire(String instance, Instant dueAt) {
        int colon = instance.indexOf(':');
        long incidentId = Long.parseLong(instance.substring(0, colon));
        String severity = instance.substring(colon + 1);
        tx.executeWithoutResult(status -> {
            timeline.lock();
            Incident incident = incidents.find(incidentId).orElse(null);
            if (incident == null || !incident.severity().equals(severity) || incident.acknowledgedAt() != null
                    || incident.status() != IncidentStatus.TRIGGERED) {
                return;
            }
            Instant now = clock.instant();
            if (!incidents.markResponseTargetBreached(incidentId, now)) {
                return;
            }
            Duration target = severities.level(severity).orElseThrow().responseTarget();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("severity", severity);
            data.put("response_target", target.toString());
            data.put("unacknowledged_for_seconds", Duration.between(incident.openedAt(), now).toSeconds());
            timeline.append(new NewEvent("incident.response_target_breached", Actor.system("response-target"), incidentId,
                    null, incident.serviceId(), data));
            meters.counter("tocsin.incidents.response_target_breaches", "severity", severity).increment();
        });
    }
}
