package dev.tocsin.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tocsin.config.Durations;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.timeline.TimelineText;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The variables a message template can use, taken from an incident when the message is enqueued: the outbox row
 * keeps them, so a message says what was true when it was written, however late it is delivered.
 */
@Component
public class MessageFacts {

    /** Variables that only some kinds of message fill in; present (empty) in all, so any template renders. */
    private static final List<String> KIND_VARIABLES = List.of("user", "user_name", "level", "level_name", "reason",
            "acknowledge_url", "message", "last_update", "destination");

    private final TocsinConfig config;
    private final String publicUrl;

    MessageFacts(TocsinConfig config, @Value("${tocsin.public-url}") String publicUrl) {
        this.config = config;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public String publicUrl() {
        return publicUrl;
    }

    /** Everything about the incident at {@code now}; the kind-specific variables are present and empty. */
    public Map<String, Object> of(Incident incident, Instant now) {
        Map<String, Object> f = new LinkedHashMap<>();
        SeverityScale.Level level = config.severities().level(incident.severity()).orElse(null);
        f.put("incident_id", incident.id());
        f.put("title", incident.title());
        f.put("description", incident.description());
        f.put("severity", incident.severity());
        f.put("severity_name", level == null ? incident.severity() : level.name());
        f.put("status", incident.status().wire());
        String status = incident.status().wire();
        f.put("status_name", Character.toUpperCase(status.charAt(0)) + status.substring(1));
        f.put("status_upper", status.toUpperCase(Locale.ROOT));
        f.put("service", incident.serviceId());
        f.put("service_name", config.service(incident.serviceId()).map(TocsinConfig.Service::name)
                .orElse(incident.serviceId()));
        f.put("started", time(incident.openedAt()));
        f.put("started_at", incident.openedAt().toString());
        f.put("now", time(now));
        f.put("impact", impact(incident.impact()));
        f.put("users_affected", incident.impact().usersAffected());
        f.put("commander", userName(incident.roles().incidentCommander()));
        f.put("tech_lead", userName(incident.roles().technicalLead()));
        f.put("comms_lead", userName(incident.roles().communicationsLead()));
        f.put("resolution", incident.resolution());
        f.put("resolved", incident.resolvedAt() == null ? null : time(incident.resolvedAt()));
        Instant end = incident.resolvedAt() == null ? now : incident.resolvedAt();
        f.put("duration", Durations.format(Duration.between(incident.openedAt(), end).withNanos(0)));
        f.put("incident_url", publicUrl + "/incidents/" + incident.id());
        f.put("status_page_url", publicUrl + "/status");
        Duration interval = level == null ? null : level.updateInterval();
        f.put("update_interval", interval == null ? null : Durations.format(interval));
        f.put("next_update", interval == null || !incident.status().isOpen() ? "when resolved" : time(now.plus(interval)));
        for (String k : KIND_VARIABLES) {
            f.put(k, null);
        }
        return f;
    }

    static String time(Instant instant) {
        return TimelineText.time(instant); // as the timeline, the pages and the CLI write a time
    }

    private String userName(String userId) {
        return userId == null ? null : config.user(userId).map(TocsinConfig.User::name).orElse(userId);
    }

    /** Seed 002's impact assessment in one line, or null while nobody knows. */
    private static String impact(Incident.Impact impact) {
        List<String> parts = new ArrayList<>();
        if (impact.usersAffected() != null) {
            parts.add(impact.usersAffected() + " users affected");
        }
        if (!impact.servicesAffected().isEmpty()) {
            parts.add("services: " + String.join(", ", impact.servicesAffected()));
        }
        if (Boolean.TRUE.equals(impact.dataLoss())) {
            parts.add("data loss");
        }
        if (impact.financialImpact() != null) {
            parts.add("financial: " + impact.financialImpact());
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /**
     * Facts of every kind with example values, made by {@link #of} itself so the two can never disagree: templates are
     * checked against it at start-up.
     */
    Map<String, Object> sample() {
        Instant at = Instant.EPOCH;
        Incident example = new Incident(1, "x", "x", "x", "x", dev.tocsin.incident.IncidentStatus.TRIGGERED, "x", at, at,
                at, at, new Incident.Roles("x", "x", "x"), new Incident.Impact(1L, List.of("x"), true, "x"), "x", at, null, null, "x", null);
        Map<String, Object> f = of(example, at);
        f.replaceAll((k, v) -> v == null ? "x" : v);
        return f;
    }
}
