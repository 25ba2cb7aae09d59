package dev.tocsin.alert;

import java.io.IOException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.tocsin.auth.RateLimits;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PagerDuty Events API v2, wire-compatible: existing senders only change the URL. Alert events at
 * {@code /v2/enqueue}, change events at {@code /v2/change/enqueue}; answers and errors in PagerDuty's shape.
 */
@RestController
class EventsApiController {

    private static final Logger log = LoggerFactory.getLogger(EventsApiController.class);
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    static final int MAX_SUMMARY = 1024;
    static final int MAX_DEDUP_KEY = 255;
    private static final int MAX_FIELD = 1024;

    private final IngestPipeline pipeline;
    private final Catalog catalog;
    private final RateLimits rateLimits;
    private final JsonMapper json;
    private final int eventsPerSecond;
    private final MeterRegistry meters;

    EventsApiController(IngestPipeline pipeline, Catalog catalog, RateLimits rateLimits, JsonMapper json,
                        TocsinConfig config, MeterRegistry meters) {
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.rateLimits = rateLimits;
        this.json = json;
        this.eventsPerSecond = config.limits().eventsPerSecond();
        this.meters = meters;
    }

    @PostMapping(path = "/v2/enqueue")
    ResponseEntity<Map<String, Object>> enqueue(HttpServletRequest request) throws IOException {
        JsonFields f = new JsonFields();
        JsonNode event = parse(request, f);
        if (event == null) {
            return invalid(f);
        }
        String routingKey = f.requiredString(event, "routing_key", "routing_key", 64);
        String action = f.requiredString(event, "event_action", "event_action", 32);
        if (action != null && !Set.of("trigger", "acknowledge", "resolve").contains(action)) {
            f.error("'event_action' must be one of trigger, acknowledge, resolve; got '" + action + "'");
        }
        String dedupKey = f.optionalString(event, "dedup_key", "dedup_key", MAX_DEDUP_KEY);
        boolean trigger = "trigger".equals(action);
        if (!trigger && action != null && dedupKey == null && f.ok()) {
            f.error("'dedup_key' is required to " + action + " an alert");
        }
        JsonNode payload = event.get("payload");
        String summary = null;
        String source = null;
        String severity = null;
        Intake.AlertEvent parsed = null;
        if (trigger) {
            if (payload == null || payload.isNull()) {
                f.error("'payload' is missing: a trigger needs payload.summary, payload.source and payload.severity");
            } else if (!payload.isObject()) {
                f.error("'payload' must be an object, got " + JsonFields.kind(payload));
            } else {
                summary = f.requiredString(payload, "summary", "payload.summary", MAX_SUMMARY);
                source = f.requiredString(payload, "source", "payload.source", MAX_FIELD);
                severity = f.requiredString(payload, "severity", "payload.severity", 16);
                if (severity != null && !SEVERITIES.contains(severity)) {
                    f.error("'payload.severity' must be one of critical, error, warning, info; got '" + severity + "'");
                }
                var timestamp = f.optionalTimestamp(payload, "timestamp", "payload.timestamp");
                String component = f.optionalString(payload, "component", "payload.component", MAX_FIELD);
                String group = f.optionalString(payload, "group", "payload.group", MAX_FIELD);
                String eventClass = f.optionalString(payload, "class", "payload.class", MAX_FIELD);
                JsonNode details = payload.get("custom_details");
                String links = f.optionalObjectArray(event, "links", "links", "href");
                String images = f.optionalObjectArray(event, "images", "images", "src");
                f.optionalString(event, "client", "client", MAX_FIELD);
                f.optionalString(event, "client_url", "client_url", MAX_FIELD);
                if (f.ok()) {
                    parsed = new Intake.AlertEvent(Intake.Action.TRIGGER, null, "events-v2",
                            dedupKey != null ? dedupKey : generatedKey(), summary, source, severity, timestamp,
                            component, group, eventClass, labels(details, component, group, eventClass),
                            details == null || details.isNull() ? null : details.toString(), links, images);
                }
            }
        }
        if (!f.ok()) {
            return invalid(f);
        }
        Optional<TocsinConfig.Service> service = catalog.serviceForIntegrationKey(routingKey);
        if (service.isEmpty()) {
            f.error("'routing_key' is not an integration key of any service");
            return invalid(f);
        }
        if (!rateLimits.tryAcquire("integration:" + routingKey, eventsPerSecond)) {
            return throttled();
        }
        String serviceId = service.get().id();
        Intake.AlertEvent intake = parsed != null
                ? withService(parsed, serviceId)
                : new Intake.AlertEvent(Intake.Action.valueOf(action.equals("acknowledge") ? "ACKNOWLEDGE" : "RESOLVE"),
                serviceId, "events-v2", dedupKey, null, null, null, null, null, null, null, Map.of(), null, null, null);
        meters.counter("tocsin.ingest.events", "intake", "events-v2", "action", action).increment();
        IngestResult result;
        try {
            result = pipeline.submitAndWait(List.of(intake)).get(0);
        } catch (RuntimeException e) {
            return failure(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("message", "Event processed");
        out.put("dedup_key", result.dedupKey());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    @PostMapping(path = "/v2/change/enqueue")
    ResponseEntity<Map<String, Object>> enqueueChange(HttpServletRequest request) throws IOException {
        JsonFields f = new JsonFields();
        JsonNode event = parse(request, f);
        if (event == null) {
            return invalid(f);
        }
        String routingKey = f.requiredString(event, "routing_key", "routing_key", 64);
        JsonNode payload = event.get("payload");
        Intake.ChangeEvent parsed = null;
        if (payload == null || !payload.isObject()) {
            f.error(payload == null ? "'payload' is missing: a change event needs payload.summary"
                    : "'payload' must be an object, got " + JsonFields.kind(payload));
        } else {
            String summary = f.requiredString(payload, "summary", "payload.summary", MAX_SUMMARY);
            String source = f.optionalString(payload, "source", "payload.source", MAX_FIELD);
            var timestamp = f.optionalTimestamp(payload, "timestamp", "payload.timestamp");
            JsonNode details = payload.get("custom_details");
            String links = f.optionalObjectArray(event, "links", "links", "href");
            if (f.ok()) {
                parsed = new Intake.ChangeEvent(null, summary, source, timestamp,
                        details == null || details.isNull() ? null : details.toString(), links);
            }
        }
        if (!f.ok()) {
            return invalid(f);
        }
        Optional<TocsinConfig.Service> service = catalog.serviceForIntegrationKey(routingKey);
        if (service.isEmpty()) {
            f.error("'routing_key' is not an integration key of any service");
            return invalid(f);
        }
        if (!rateLimits.tryAcquire("integration:" + routingKey, eventsPerSecond)) {
            return throttled();
        }
        meters.counter("tocsin.ingest.events", "intake", "events-v2", "action", "change").increment();
        Intake.ChangeEvent change = new Intake.ChangeEvent(service.get().id(), parsed.summary(), parsed.source(),
                parsed.occurredAt(), parsed.customDetails(), parsed.links());
        try {
            pipeline.submitAndWait(List.of(change));
        } catch (RuntimeException e) {
            return failure(e);
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("status", "success",
                "message", "Change event processed"));
    }

    /**
     * Reads the raw body whatever the Content-Type: senders that forget {@code application/json} (curl's
     * default is a form type) must not have their JSON re-encoded as form fields.
     */
    private JsonNode parse(HttpServletRequest request, JsonFields f) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        if (body == null || body.length == 0) {
            f.error("the request body is empty: expected a JSON event object");
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                f.error("the request body must be a JSON object, got " + (node == null ? "nothing" : JsonFields.kind(node)));
                return null;
            }
            return node;
        } catch (JacksonException e) {
            f.error("the request body is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    /** Flat labels for routing rules: component, group, class and the scalar top-level custom details. */
    private static Map<String, String> labels(JsonNode details, String component, String group, String eventClass) {
        Map<String, String> labels = new HashMap<>();
        if (details != null && details.isObject()) {
            for (Map.Entry<String, JsonNode> e : details.properties()) {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    labels.put(e.getKey(), e.getValue().asString());
                }
            }
        }
        if (component != null) {
            labels.put("component", component);
        }
        if (group != null) {
            labels.put("group", group);
        }
        if (eventClass != null) {
            labels.put("class", eventClass);
        }
        return labels;
    }

    private static Intake.AlertEvent withService(Intake.AlertEvent e, String serviceId) {
        return new Intake.AlertEvent(e.action(), serviceId, e.intake(), e.dedupKey(), e.summary(), e.source(),
                e.severity(), e.timestamp(), e.component(), e.group(), e.eventClass(), e.labels(), e.customDetails(),
                e.links(), e.images());
    }

    /** PagerDuty hands out 32 hex characters when a trigger carries no dedup key. */
    private static String generatedKey() {
        UUID u = UUID.randomUUID();
        return HexFormat.of().toHexDigits(u.getMostSignificantBits()) + HexFormat.of().toHexDigits(u.getLeastSignificantBits());
    }

    private ResponseEntity<Map<String, Object>> invalid(JsonFields f) {
        meters.counter("tocsin.ingest.rejected", "intake", "events-v2", "reason", "invalid").increment();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "invalid event");
        out.put("message", "Event object is invalid");
        out.put("errors", List.copyOf(f.errors()));
        return ResponseEntity.badRequest().body(out);
    }

    private ResponseEntity<Map<String, Object>> throttled() {
        meters.counter("tocsin.ingest.rejected", "intake", "events-v2", "reason", "throttled").increment();
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header("Retry-After", Long.toString(RateLimits.retryAfterSeconds()))
                .body(Map.of("status", "throttle event",
                        "message", "Requests for this service are arriving too quickly. Please retry later."));
    }

    private ResponseEntity<Map<String, Object>> failure(RuntimeException error) {
        if (error instanceof IngestPipeline.OverloadedException) {
            return throttled();
        }
        log.error("event=ingest.failed action=\"the sender will retry; check the database\"", error);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(Map.of("status", "error", "message", "The event could not be stored; retry."));
    }
}
