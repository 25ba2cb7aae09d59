package dev.tocsin.incident;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An incident as stored: what is wrong, how bad, who is on it, and where it stands. {@code awaitingResponseSince} is
 * when the current wait for a response began (the opening, or the last reopening or un-acknowledgement): the
 * severity's response target counts from it, to {@code responseDueAt} (null once that wait has been handled).
 * {@code snoozedUntil}: when an acknowledged incident goes back to triggered, if someone snoozed it.
 * {@code publicTitle}: what the public status page calls it, when someone chose that ({@link PublicTitles}).
 * {@code published}: whether a person chose to publish it on the status page (true) or hide it (false); null while
 * {@code status_page.publish} decides ({@link Publication}).
 */
public record Incident(long id, String title, String description, String serviceId, String severity,
                       IncidentStatus status, String origin, Instant openedAt, Instant acknowledgedAt,
                       Instant resolvedAt, Instant updatedAt, Roles roles, Impact impact, String resolution,
                       Instant awaitingResponseSince, Instant responseDueAt, Instant snoozedUntil,
                       String publicTitle, Boolean published) {

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

        /** The impact's fields by their names on the wire. */
        public enum Field {
            USERS_AFFECTED, SERVICES_AFFECTED, DATA_LOSS, FINANCIAL_IMPACT;

            public static final Set<Field> ALL = Collections.unmodifiableSet(EnumSet.allOf(Field.class));

            public String wire() {
                return name().toLowerCase(Locale.ROOT);
            }

            public static Optional<Field> fromWire(String wire) {
                return Arrays.stream(values()).filter(f -> f.wire().equals(wire)).findFirst();
            }
        }

        /** This impact with {@code fields} taken from {@code given} and the others kept. */
        public Impact with(Impact given, Set<Field> fields) {
            return new Impact(
                    fields.contains(Field.USERS_AFFECTED) ? given.usersAffected : usersAffected,
                    fields.contains(Field.SERVICES_AFFECTED) ? given.servicesAffected : servicesAffected,
                    fields.contains(Field.DATA_LOSS) ? given.dataLoss : dataLoss,
                    fields.contains(Field.FINANCIAL_IMPACT) ? given.financialImpact : financialImpact);
        }
    }
}
