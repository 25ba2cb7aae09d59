package dev.tocsin.alert;

import java.time.Instant;
import java.util.List;

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

    private final AlertRepository alerts;

    IncidentAlerts(AlertRepository alerts) {
        this.alerts = alerts;
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
