package dev.tocsin.alert;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The alerts of an incident for other features: the incident page lists them, which matters most when an
 * Alertmanager group's alerts share the incident (which nodes are down, which have recovered).
 */
@Component
public class IncidentAlerts {

    /** {@code link}: the alert's first link to a web page (http or https), to its source for instance; else null. */
    public record Row(String dedupKey, String status, String severity, String summary, int eventCount,
                      Instant lastSeenAt, Link link) {
    }

    public record Link(String href, String text) {
    }

    /** The newest alerts, and how many the incident has in all and how many of them are open. */
    public record Listing(List<Row> newest, Count count) {
    }

    /** How many alerts an incident has, and how many of them are open. */
    public record Count(long alerts, long open) {
    }

    private final AlertRepository alerts;
    private final JsonMapper json;

    IncidentAlerts(AlertRepository alerts, JsonMapper json) {
        this.alerts = alerts;
        this.json = json;
    }

    /** The counts of those incidents that have alerts, in one statement (the dashboard lists every open incident). */
    @Transactional(readOnly = true)
    public Map<Long, Count> countsOf(Collection<Long> incidentIds) {
        return alerts.countByIncident(incidentIds);
    }

    @Transactional(readOnly = true)
    public Listing of(long incidentId, int limit) {
        List<Row> newest = alerts.list(null, null, null, incidentId, null, limit).stream()
                .map(a -> new Row(a.dedupKey(), a.status(), a.severity(), a.summary(), a.eventCount(), a.lastSeenAt(),
                        firstWebLink(a.links())))
                .toList();
        Count count = alerts.countByIncident(List.of(incidentId)).getOrDefault(incidentId, new Count(0, 0));
        return new Listing(newest, count);
    }

    /**
     * The first link whose address is a web page. A sender chooses the addresses, and a page must not offer one in
     * another scheme ({@code javascript:} would run in the responder's session).
     */
    private Link firstWebLink(String links) {
        if (links == null) {
            return null;
        }
        for (JsonNode link : json.readTree(links)) {
            String href = link.path("href").asString("");
            String lower = href.toLowerCase(Locale.ROOT);
            if (lower.startsWith("https://") || lower.startsWith("http://")) {
                String text = link.path("text").asString("");
                return new Link(href, text.isBlank() ? "Source" : text);
            }
        }
        return null;
    }
}
