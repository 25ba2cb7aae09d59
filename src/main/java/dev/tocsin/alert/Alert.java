package dev.tocsin.alert;

import java.time.Instant;

/** An alert: one problem reported by a source, folded over every repeat of its dedup key while open. */
record Alert(long id, String serviceId, String dedupKey, String status, String intake, String severity, String summary,
             String source, String component, String group, String eventClass, String customDetails, String links,
             String images, Long incidentId, int eventCount, Instant firstSeenAt, Instant lastSeenAt,
             Instant acknowledgedAt, Instant resolvedAt) {

    static final String TRIGGERED = "triggered";
    static final String ACKNOWLEDGED = "acknowledged";
    static final String RESOLVED = "resolved";
}
