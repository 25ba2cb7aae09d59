package dev.tocsin.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import org.springframework.stereotype.Component;

/**
 * What stakeholders would read, before anything is sent: a status update rendered from the template in effect for
 * the incident's kind and severity, with the same facts {@link StakeholderComms} will write, and the channels the
 * routes would send it to. For the API's preview and the incident page's composer.
 */
@Component
public class MessagePreviews {

    /** Stands in for a status update's text until someone writes it. */
    static final String PLACEHOLDER = "(the text of your update)";

    /**
     * A status update as it would go out: {@code kind} is "update", or "resolved" when it resolves the incident (the
     * resolution message carries its words); {@code channels} as "id (type)"; {@code problem} says why posting it
     * would be refused, or is null.
     */
    public record Preview(String kind, String severity, String status, String subject, String text,
                          List<String> channels, String problem) {
    }

    /**
     * The status update template of an incident in two parts, the words before and after the update's own text
     * ({@code hasMessage} false when a template of the file leaves the text out: then {@code before} is all of it).
     */
    public record Composer(String severity, String subject, String before, String after, boolean hasMessage) {
    }

    private static final String SLOT = "\u0000message\u0000";

    private final IncidentService incidents;
    private final Templates templates;
    private final MessageFacts facts;
    private final StakeholderComms comms;
    private final Clock clock;

    MessagePreviews(IncidentService incidents, Templates templates, MessageFacts facts, StakeholderComms comms, Clock clock) {
        this.incidents = incidents;
        this.templates = templates;
        this.facts = facts;
        this.comms = comms;
        this.clock = clock;
    }

    /** A status update of {@code message}, moving the incident to {@code status} (null: unchanged), as it would go out. */
    public Preview statusUpdate(long incidentId, String message, IncidentStatus status) {
        Incident incident = incidents.get(incidentId);
        Instant now = clock.instant();
        IncidentStatus after = status == null ? incident.status() : status;
        String problem = null;
        if (after != incident.status() && !incident.status().canMoveTo(after)) {
            problem = "incident " + incidentId + " is " + incident.status().wire() + " and cannot move to " + after.wire();
            after = incident.status();
        }
        String text = message == null || message.isBlank() ? null : message.strip();
        boolean resolves = after == IncidentStatus.RESOLVED;
        Incident projected = new Incident(incident.id(), incident.title(), incident.description(), incident.serviceId(),
                incident.severity(), after, incident.origin(), incident.openedAt(), incident.acknowledgedAt(),
                resolves ? now : incident.resolvedAt(), now, incident.roles(), incident.impact(),
                resolves ? text : incident.resolution(), incident.awaitingResponseSince(), incident.responseDueAt(),
                incident.snoozedUntil(), incident.publicTitle(), incident.published());
        String kind = resolves ? "resolved" : "update";
        Map<String, Object> f = previewFacts(projected, kind, text == null ? PLACEHOLDER : text, false, now);
        Templates.Rendered words = templates.render(kind, incident.severity(), f, Templates.Format.PLAIN);
        List<String> channels = comms.channels(incident.serviceId(), incident.severity(), kind).stream()
                .map(c -> c.id() + " (" + c.type().wire() + ")").toList();
        return new Preview(kind, incident.severity(), after.wire(), words.subject(), words.text(), channels, problem);
    }

    /** The incident's status update template, filled in but for the update's own text. */
    public Composer composer(long incidentId) {
        Incident incident = incidents.get(incidentId);
        Map<String, Object> f = previewFacts(incident, "update", SLOT, false, clock.instant());
        Templates.Rendered words = templates.render("update", incident.severity(), f, Templates.Format.PLAIN);
        int at = words.text().indexOf(SLOT);
        if (at < 0) {
            return new Composer(incident.severity(), words.subject(), words.text(), "", false);
        }
        return new Composer(incident.severity(), words.subject(), words.text().substring(0, at),
                words.text().substring(at + SLOT.length()), true);
    }

    /**
     * The facts a message of {@code kind} about the incident would carry, with stand-ins for what only sending
     * knows (the paged user, a signed acknowledge link).
     */
    Map<String, Object> previewFacts(Incident incident, String kind, String message, boolean chat, Instant now) {
        Map<String, Object> f = facts.of(incident, now);
        f.put("message", message == null ? PLACEHOLDER : message);
        if (chat && incident.status() == IncidentStatus.TRIGGERED) {
            f.put("acknowledge_url", facts.publicUrl() + "/ack/(signed-token)");
        }
        if ("page".equals(kind) || "reminder".equals(kind)) {
            f.put("user_name", "(the paged user)");
            f.put("level_name", "level 1");
            f.put("reason", "preview");
            f.put("acknowledge_url", facts.publicUrl() + "/ack/(signed-token)");
            f.put("last_update", MessageFacts.time(incident.openedAt()));
        }
        return f;
    }
}
