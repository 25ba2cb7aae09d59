package dev.tocsin.alert;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.text.Sha256;
import dev.tocsin.text.SqlText;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus Alertmanager's webhook receiver (payload version 4). Each alert is deduplicated by its
 * fingerprint, or by its label set when the sender has none; {@code firing} triggers, {@code resolved} resolves. The
 * alerts of one notification group ({@code groupKey}) share one incident while it is open, so a storm that
 * Alertmanager sends as one notification pages once, as it would through PagerDuty's Alertmanager integration.
 */
@RestController
class AlertmanagerController {

    /** Alertmanager's group keys name the route's matchers and the grouping labels' values: long, but not this long. */
    private static final int MAX_GROUP_KEY = 10_000;

    private final IntegrationIntake intake;
    private final JsonMapper json;

    AlertmanagerController(IntegrationIntake intake, JsonMapper json) {
        this.intake = intake;
        this.json = json;
    }

    @PostMapping("/api/v1/integrations/alertmanager/{integrationKey}")
    ResponseEntity<Map<String, Object>> receive(@PathVariable String integrationKey, HttpServletRequest request)
            throws IOException {
        TocsinConfig.Service service = intake.admit(integrationKey, "alertmanager");
        // The body as sent, whatever its Content-Type: curl -d @alerts.json says it is a form, and Spring would hand a
        // form over decoded and re-encoded, no longer the JSON that was sent.
        Notification notification = parse(request.getInputStream().readAllBytes(), service.id());
        List<IngestResult> results = intake.submitAll(notification.events(), "alertmanager");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("alerts", results.size());
        out.put("dedup_keys", results.stream().map(IngestResult::dedupKey).toList());
        if (notification.truncatedAlerts() > 0) {
            out.put("truncated_alerts", notification.truncatedAlerts());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    /** A notification's alerts as events, and how many more Alertmanager left out of it (its receiver's max_alerts). */
    private record Notification(List<Intake.AlertEvent> events, long truncatedAlerts) {
    }

    private Notification parse(byte[] body, String serviceId) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("body", "empty: expected Alertmanager's webhook JSON (version 4)");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("body", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("body", "expected a JSON object");
        }
        JsonNode version = root.get("version");
        if (version != null && !version.isNull() && !(version.isValueNode() && "4".equals(version.asString()))) {
            throw new InvalidInputException("version", "only webhook payload version 4 is supported, got " + version);
        }
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new InvalidInputException("alerts", "required: an array of alerts");
        }
        JsonFields f = new JsonFields();
        long truncatedAlerts = truncatedAlerts(root.get("truncatedAlerts"), f);
        Map<String, String> common = stringMap(root.get("commonAnnotations"), "commonAnnotations", f);
        Map<String, String> groupLabels = stringMap(root.get("groupLabels"), "groupLabels", f);
        Map<String, String> commonLabels = stringMap(root.get("commonLabels"), "commonLabels", f);
        // The notification group (route and grouping labels): its alerts share one incident while it is open.
        String groupKey = f.optionalString(root, "groupKey", "groupKey", MAX_GROUP_KEY);
        Intake.IncidentGroup group = groupKey == null || groupKey.isBlank() ? null
                : new Intake.IncidentGroup(groupKey, groupTitle(common, groupLabels, commonLabels), null);
        List<Intake.AlertEvent> events = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            String path = "alerts[" + i + "]";
            if (!a.isObject()) {
                f.error("'" + path + "' must be an object");
                continue;
            }
            String status = f.requiredString(a, "status", path + ".status", 16);
            if (status != null && !status.equals("firing") && !status.equals("resolved")) {
                f.error("'" + path + ".status' must be firing or resolved, got '" + status + "'");
            }
            Map<String, String> labels = stringMap(a.get("labels"), path + ".labels", f);
            Map<String, String> annotations = stringMap(a.get("annotations"), path + ".annotations", f);
            String fingerprint = f.optionalString(a, "fingerprint", path + ".fingerprint", 255);
            var startsAt = f.optionalTimestamp(a, "startsAt", path + ".startsAt");
            f.optionalString(a, "generatorURL", path + ".generatorURL", 2048);
            if (labels.isEmpty() && fingerprint == null) {
                f.error("'" + path + "' needs a fingerprint or at least one label to be deduplicated");
            }
            if (!f.ok()) {
                continue;
            }
            String summary = first(annotations.get("summary"), annotations.get("description"), common.get("summary"),
                    labels.get("alertname"), "Alertmanager alert");
            summary = SqlText.truncate(summary, EventsApiEndpoint.MAX_SUMMARY);
            String dedupKey = fingerprint != null ? fingerprint : labelKey(labels);
            String links = a.get("generatorURL") != null && a.get("generatorURL").isString()
                    ? json.writeValueAsString(List.of(Map.of("href", a.get("generatorURL").asString(), "text", "Source")))
                    : null;
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("labels", labels);
            details.put("annotations", annotations);
            if (truncatedAlerts > 0) {
                details.put("truncated_alerts", truncatedAlerts);
            }
            events.add(new Intake.AlertEvent(status.equals("firing") ? Intake.Action.TRIGGER : Intake.Action.RESOLVE,
                    serviceId, "alertmanager", dedupKey, summary, first(labels.get("instance"), labels.get("job"),
                    "alertmanager"), severity(labels.get("severity")), startsAt, labels.get("instance"),
                    labels.get("job"), labels.get("alertname"), labels, json.writeValueAsString(details), links, null, group));
        }
        if (!f.ok()) {
            throw new InvalidInputException(f.errors().stream()
                    .map(e -> new InvalidInputException.FieldError(fieldOf(e), e)).toList());
        }
        return new Notification(events, truncatedAlerts);
    }

    private static long truncatedAlerts(JsonNode node, JsonFields f) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            f.error("'truncatedAlerts' must be a whole number of at least 0, got " + SqlText.abbreviate(node.toString(), 40));
            return 0;
        }
        return node.asLong();
    }

    /**
     * What a group's alerts have in common, the title of the incident they share: the summary all of them carry, or else
     * Alertmanager's own notification subject without its status and count (which change as the group does): the
     * grouping labels' values, then those of the other labels common to every alert in brackets, e.g. {@code
     * InstanceDown (node production)}. Null when the notification says neither: the first alert's summary is used.
     */
    static String groupTitle(Map<String, String> commonAnnotations, Map<String, String> groupLabels,
                             Map<String, String> commonLabels) {
        String summary = commonAnnotations.get("summary");
        if (summary != null && !summary.isBlank()) {
            return SqlText.truncate(summary, EventsApiEndpoint.MAX_SUMMARY);
        }
        String grouping = String.join(" ", groupLabels.values());
        String rest = commonLabels.entrySet().stream()
                .filter(label -> !groupLabels.containsKey(label.getKey()))
                .map(Map.Entry::getValue)
                .collect(Collectors.joining(" "));
        String title = grouping.isBlank() ? rest : rest.isBlank() ? grouping : grouping + " (" + rest + ")";
        return title.isBlank() ? null : SqlText.truncate(title.strip(), EventsApiEndpoint.MAX_SUMMARY);
    }

    /** Alertmanager's conventional severity labels onto PagerDuty's four; an unlabelled alert pages as critical. */
    static String severity(String label) {
        if (label == null) {
            return "critical";
        }
        return switch (label.toLowerCase(Locale.ROOT)) {
            case "critical", "page", "emergency", "fatal", "p0", "p1" -> "critical";
            case "error", "high", "major", "p2" -> "error";
            case "warning", "warn", "medium", "minor", "p3" -> "warning";
            case "info", "low", "none", "informational", "p4" -> "info";
            default -> "critical";
        };
    }

    private static Map<String, String> stringMap(JsonNode node, String path, JsonFields f) {
        Map<String, String> out = new TreeMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            f.error("'" + path + "' must be an object of strings");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isString()) {
                f.error("'" + path + "." + e.getKey() + "' must be a string");
            } else {
                String value = f.checkString(e.getValue().asString(), path + "." + e.getKey(), 10_000);
                if (value != null) {
                    out.put(e.getKey(), value);
                }
            }
        }
        return out;
    }

    /** A stable key from the sorted label set, the same way Alertmanager derives a fingerprint from labels. */
    private static String labelKey(Map<String, String> labels) {
        StringBuilder canonical = new StringBuilder();
        labels.forEach((k, v) -> canonical.append(k).append('\u0001').append(v).append('\u0002'));
        return "labels:" + Sha256.hex(canonical.toString()).substring(0, 32);
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c;
            }
        }
        return null;
    }

    private static String fieldOf(String error) {
        int start = error.indexOf('\'');
        int end = error.indexOf('\'', start + 1);
        return start >= 0 && end > start ? error.substring(start + 1, end) : "body";
    }
}
