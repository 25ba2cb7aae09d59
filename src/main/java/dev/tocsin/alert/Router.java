package dev.tocsin.alert;

import java.util.Map;
import java.util.Objects;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/** Applies the configuration's routing rules to a triggering event; the first rule that matches wins. */
@Component
class Router {

    record Route(String serviceId, String severity, boolean suppressed, String rule) {
    }

    private final TocsinConfig config;

    Router(TocsinConfig config) {
        this.config = config;
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
