package dev.tocsin.alert;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The alerts of an incident for other features: the incident page lists them, which matters most when an
 * Alertmanager group's alerts share the incident (which nodes are down, which have recovered).
 */
@Component
public class IncidentAlerts {

    public record Row(String dedupKey, String status, String severity, String summary, int eventCount,
                      Instant lastSeenAt) {
    }

    /** The newest alerts, and how many the incident has in all and how many of them are open. */
    public record Listing(List<Row> newest, long open, long total) {
    }

    /** How many alerts an incident has, and how many of them are open. */
    public record Count(long alerts, long open) {
    }

    private final AlertRepository alerts;

    IncidentAlerts(AlertRepository alerts) {
        this.alerts = alerts;
    }

    /** The counts of those incidents that have alerts, in one statement (the dashboard lists every open incident). */
    @Transactional(readOnly = true)
    public Map<Long, Count> countsOf(Collection<Long> incidentIds) {
        return alerts.countByIncident(incidentIds);
    }

    @Transactional(readOnly = true)
    public Listing of(long incidentId, int limit) {
        List<Row> newest = alerts.list(null, null, null, incidentId, null, limit).stream()
                .map(a -> new Row(a.dedupKey(), a.status(), a.severity(), a.summary(), a.eventCount(), a.lastSeenAt()))
                .toList();
        long total = newest.size() < limit ? newest.size() : alerts.countOfIncident(incidentId);
        return new Listing(newest, alerts.countOpenOfIncident(incidentId), total);
    }
}
