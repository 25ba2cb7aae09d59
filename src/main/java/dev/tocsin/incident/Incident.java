package dev.tocsin.incident;

import java.time.Instant;
import java.util.List;

/**
 * An incident as stored: what is wrong, how bad, who is on it, and where it stands. {@code awaitingResponseSince} is
 * when the current wait for a response began (the opening, or the last reopening or un-acknowledgement): the
 * severity's response target counts from it, to {@code responseDueAt} (null once that wait has been handled).
 * {@code snoozedUntil}: when an acknowledged incident goes back to triggered, if someone snoozed it.
 */
public record Incident(long id, String title, String description, String serviceId, String severity,
                       IncidentStatus status, String origin, Instant openedAt, Instant acknowledgedAt,
                       Instant resolvedAt, Instant updatedAt, Roles roles, Impact impact, String resolution,
                       Instant awaitingResponseSince, Instant responseDueAt, Instant snoozedUntil) {

    public record Roles(String incidentCommander, String technicalLead, String communicationsLead) {
        public static final Roles NONE = new Roles(null, null, null);

        public String get(IncidentRole role) {
            return switch (role) {
                case INCIDENT_COMMANDER -> incidentCommander;
                case TECHNICAL_LEAD -> technicalLead;
                case COMMUNICATIONS_LEAD -> communicationsLead;
            };
        }
    }

    /** Seed 002/003's impact assessment. Every field is optional until someone knows. */
    public record Impact(Long usersAffected, List<String> servicesAffected, Boolean dataLoss, String financialImpact) {
        public static final Impact UNKNOWN = new Impact(null, List.of(), null, null);

        public Impact {
            servicesAffected = servicesAffected == null ? List.of() : List.copyOf(servicesAffected);
        }
    }
}
