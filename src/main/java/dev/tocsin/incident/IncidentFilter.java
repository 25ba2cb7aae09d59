package dev.tocsin.incident;

import java.time.Instant;
import java.util.Set;

/**
 * Which incidents to list: any null or empty field means "any". Newest first; beforeId pages backwards.
 * {@code resolvedSince}: only those resolved since then, whenever they opened (an incident opened four months ago and
 * resolved yesterday is a recent resolution).
 */
public record IncidentFilter(Set<IncidentStatus> statuses, String serviceId, String severity,
                             Instant openedSince, Instant openedUntil, Instant resolvedSince, Long beforeId, int limit) {

    public IncidentFilter(Set<IncidentStatus> statuses, String serviceId, String severity, Instant openedSince,
                          Instant openedUntil, Long beforeId, int limit) {
        this(statuses, serviceId, severity, openedSince, openedUntil, null, beforeId, limit);
    }

    IncidentFilter withLimit(int other) {
        return new IncidentFilter(statuses, serviceId, severity, openedSince, openedUntil, resolvedSince, beforeId, other);
    }

    /** The incidents resolved since {@code since}, of one service or (null) of all, newest first. */
    public static IncidentFilter resolvedSince(Instant since, String serviceId, Long beforeId, int limit) {
        return new IncidentFilter(Set.of(IncidentStatus.RESOLVED), serviceId, null, null, null, since, beforeId, limit);
    }
}
