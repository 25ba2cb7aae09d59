package dev.tocsin.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading alerts, change events and heartbeats. */
@RestController
class AlertController {

    record AlertView(long id, String service, String dedupKey, String status, String intake, String severity,
                     String summary, String source, String component, String group, String eventClass,
                     JsonNode customDetails, JsonNode links, JsonNode images, Long incidentId, int eventCount,
                     Instant firstSeenAt, Instant lastSeenAt, Instant acknowledgedAt, Instant resolvedAt) {
    }

    record ChangeView(long id, String service, String summary, String source, Instant occurredAt, Instant receivedAt,
                      JsonNode customDetails, JsonNode links) {
    }

    record HeartbeatView(String service, String name, long intervalSeconds, long graceSeconds, String severity, String state,
                         Instant lastPingAt, Instant dueAt) {
    }

    private final AlertRepository alerts;
    private final TocsinConfig config;
    private final ChangeEventRepository changes;
    private final HeartbeatRepository heartbeats;
    private final JsonMapper json;
    private final Clock clock;

    AlertController(TocsinConfig config, AlertRepository alerts, ChangeEventRepository changes,
                    HeartbeatRepository heartbeats, JsonMapper json, Clock clock) {
        this.config = config;
        this.alerts = alerts;
        this.changes = changes;
        this.heartbeats = heartbeats;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/api/v1/alerts")
    List<AlertView> list(@RequestParam(required = false) String service, @RequestParam(required = false) String status,
                         @RequestParam(name = "dedup_key", required = false) String dedupKey,
                         @RequestParam(required = false) Long incident, @RequestParam(required = false) Long before,
                         @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new InvalidInputException("limit", "between 1 and 500");
        }
        if (status != null && !List.of(Alert.TRIGGERED, Alert.ACKNOWLEDGED, Alert.RESOLVED).contains(status)) {
            throw new InvalidInputException("status", "expected triggered, acknowledged or resolved");
        }
        requireKnownService(service);
        return alerts.list(service, status, dedupKey, incident, before, limit).stream().map(this::view).toList();
    }

    @GetMapping("/api/v1/alerts/{id}")
    AlertView get(@PathVariable long id) {
        return alerts.find(id).map(this::view).orElseThrow(() -> new NotFoundException("alert " + id + " does not exist"));
    }

    /** Recent changes on a service: seed runbooks all start with "check recent deployments". */
    @GetMapping("/api/v1/changes")
    List<ChangeView> changes(@RequestParam String service, @RequestParam(required = false) Instant since,
                             @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw new InvalidInputException("limit", "between 1 and 500");
        }
        requireKnownService(service);
        Instant from = since != null ? since : clock.instant().minus(Duration.ofDays(7));
        return changes.recent(service, from, limit).stream().map(c -> new ChangeView(c.id(), c.serviceId(), c.summary(),
                c.source(), c.occurredAt(), c.receivedAt(), tree(c.customDetails()), tree(c.links()))).toList();
    }

    @GetMapping("/api/v1/heartbeats")
    List<HeartbeatView> heartbeats() {
        return heartbeats.all().stream().map(h -> new HeartbeatView(h.serviceId(), h.name(), h.intervalSeconds(),
                h.graceSeconds(), h.severity(), h.state(), h.lastPingAt(), h.dueAt())).toList();
    }

    private AlertView view(Alert a) {
        return new AlertView(a.id(), a.serviceId(), a.dedupKey(), a.status(), a.intake(), a.severity(), a.summary(),
                a.source(), a.component(), a.group(), a.eventClass(), tree(a.customDetails()), tree(a.links()),
                tree(a.images()), a.incidentId(), a.eventCount(), a.firstSeenAt(), a.lastSeenAt(), a.acknowledgedAt(),
                a.resolvedAt());
    }

    private JsonNode tree(String text) {
        return text == null ? null : json.readTree(text);
    }

    /** A filter naming no service is a typo: an empty list would read as "nothing fired, nothing deployed". */
    private void requireKnownService(String service) {
        if (service != null && config.service(service).isEmpty()) {
            throw new InvalidInputException("service", "no service has the id '" + service + "'");
        }
    }
}
