package dev.tocsin.alert;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/**
 * Applies the configuration's routing rules to a triggering event (the first rule that matches wins), and its services'
 * alert grouping to a new alert.
 */
@Component
class Router {

    record Route(String serviceId, String severity, boolean suppressed, String rule) {
    }

    private final TocsinConfig config;
    private final Map<String, TocsinConfig.AlertGrouping> groupingOfService = new HashMap<>();

    Router(TocsinConfig config) {
        this.config = config;
        config.services().stream().filter(s -> s.alertGrouping() != null)
                .forEach(s -> groupingOfService.put(s.id(), s.alertGrouping()));
    }

    /**
     * The group whose open incident a new alert joins: the one its sender put it in (an Alertmanager notification's),
     * else the one its service's alert grouping puts it in, else none (it opens an incident of its own).
     */
    Intake.IncidentGroup group(Route route, Intake.AlertEvent e) {
        if (e.incidentGroup() != null) {
            return e.incidentGroup();
        }
        TocsinConfig.AlertGrouping grouping = groupingOfService.get(route.serviceId());
        if (grouping == null) {
            return null;
        }
        // Readable on the incident's timeline, and unambiguous: each value quoted as a JSON string.
        StringBuilder key = new StringBuilder("alert_grouping");
        for (String field : grouping.fields()) {
            key.append(' ').append(field).append('=');
            quote(key, value(field, e));
        }
        return new Intake.IncidentGroup(key.toString(), null, grouping.window());
    }

    private static String value(String field, Intake.AlertEvent e) {
        if (field.startsWith("labels.")) {
            return e.labels() == null ? null : e.labels().get(field.substring("labels.".length()));
        }
        return switch (field) {
            case "source" -> e.source();
            case "component" -> e.component();
            case "group" -> e.group();
            case "class" -> e.eventClass();
            case "severity" -> e.severity();
            case "summary" -> e.summary();
            default -> throw new IllegalArgumentException("not an alert field: " + field);
        };
    }

    private static void quote(StringBuilder into, String value) {
        if (value == null) {
            into.append("null");
            return;
        }
        into.append('"');
        value.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                into.append('\\');
            }
            into.append((char) c);
        });
        into.append('"');
    }

    Route route(Intake.AlertEvent e) {
        String severity = config.severities().forEventSeverity(e.severity());
        for (TocsinConfig.RoutingRule rule : config.routingRules()) {
            if (matches(rule.match(), e)) {
                return new Route(rule.service() != null ? rule.service() : e.serviceId(),
                        rule.severity() != null ? rule.severity() : severity, rule.suppress(), rule.name());
            }
        }
        return new Route(e.serviceId(), severity, false, null);
    }

    private static boolean matches(TocsinConfig.Match m, Intake.AlertEvent e) {
        return field(m.service(), e.serviceId()) && field(m.severity(), e.severity()) && field(m.source(), e.source())
                && field(m.component(), e.component()) && field(m.group(), e.group())
                && field(m.eventClass(), e.eventClass())
                && (m.summary() == null || m.summary().matcher(e.summary()).find())
                && labels(m.labels(), e.labels());
    }

    private static boolean field(String expected, String actual) {
        return expected == null || Objects.equals(expected, actual);
    }

    private static boolean labels(Map<String, String> expected, Map<String, String> actual) {
        return expected.entrySet().stream().allMatch(en -> Objects.equals(en.getValue(), actual.get(en.getKey())));
    }
}
