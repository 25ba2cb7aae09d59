package dev.tocsin.incident;

import java.time.Instant;
import java.util.Set;

/** Which incidents to list: any null or empty field means "any". Newest first; beforeId pages backwards. */
public record IncidentFilter(Set<IncidentStatus> statuses, String serviceId, String severity,
                             Instant openedSince, Instant openedUntil, Long beforeId, int limit) {

    IncidentFilter withLimit(int other) {
        return new IncidentFilter(statuses, serviceId, severity, openedSince, openedUntil, beforeId, other);
    }
}
