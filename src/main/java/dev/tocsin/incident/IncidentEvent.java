package dev.tocsin.incident;

import java.time.Instant;

import dev.tocsin.timeline.Actor;

/**
 * What happened to an incident, published synchronously inside the use case's transaction: a listener's writes
 * (pages, timers, outbox rows) commit or roll back together with the change that caused them.
 */
public sealed interface IncidentEvent {

    long incidentId();

    record Opened(long incidentId, String serviceId, String severity, String title, Instant openedAt)
            implements IncidentEvent {
    }

    /** {@code severity} is the incident's when it changed status, so that a listener need not load the incident to know. */
    record StatusChanged(long incidentId, String serviceId, String severity, IncidentStatus from, IncidentStatus to,
                         Actor actor) implements IncidentEvent {
    }

    record SeverityChanged(long incidentId, String serviceId, String from, String to, Instant openedAt)
            implements IncidentEvent {
    }

    /**
     * A person resolved the incident (its alerts did not): published after {@link StatusChanged}, so that its alerts
     * still open resolve with it, as PagerDuty's do.
     */
    record ResolvedByHand(long incidentId, Actor actor) implements IncidentEvent {
    }

    /** What the public status page calls the incident changed ({@code publicTitle} null: back to its own). */
    record PublicTitleChanged(long incidentId, String serviceId, String publicTitle, Actor actor)
            implements IncidentEvent {
    }

    /** A person published or hid the incident on the status page ({@code published} null: back to the page's rule). */
    record PublicationChanged(long incidentId, String serviceId, Boolean published, Actor actor)
            implements IncidentEvent {
    }

    /** A stakeholder update was posted ({@code status}: the incident's status after it). */
    record StatusUpdatePosted(long incidentId, String serviceId, String message, IncidentStatus status, Actor actor)
            implements IncidentEvent {
    }
}
