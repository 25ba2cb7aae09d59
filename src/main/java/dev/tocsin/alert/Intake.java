package dev.tocsin.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Something an intake endpoint accepted and the pipeline must commit before answering. */
sealed interface Intake permits Intake.AlertEvent, Intake.ChangeEvent, Intake.HeartbeatPing {

    enum Action { TRIGGER, ACKNOWLEDGE, RESOLVE }

    /**
     * An alert event from any intake (Events API v2, Alertmanager, generic, heartbeats, monitors). {@code incidentGroup}
     * is the group the sender put the alert in, whose alerts share one open incident; null when the alert opens an
     * incident of its own. {@code reason}, on a resolve that Tocsin itself sends, says why on the timeline (a monitor
     * paused, or no longer configured); null from senders outside.
     */
    record AlertEvent(Action action, String serviceId, String intake, String dedupKey, String summary, String source,
                      String severity, Instant timestamp, String component, String group, String eventClass,
                      Map<String, String> labels, String customDetails, String links, String images,
                      IncidentGroup incidentGroup, String reason) implements Intake {

        AlertEvent(Action action, String serviceId, String intake, String dedupKey, String summary, String source,
                   String severity, Instant timestamp, String component, String group, String eventClass,
                   Map<String, String> labels, String customDetails, String links, String images,
                   IncidentGroup incidentGroup) {
            this(action, serviceId, intake, dedupKey, summary, source, severity, timestamp, component, group, eventClass,
                    labels, customDetails, links, images, incidentGroup, null);
        }
    }

    /**
     * A group of alerts that share one incident while it is open (Alertmanager's notification group, or the service's
     * alert grouping): {@code key} names it, {@code title} is what the group has in common, the title of the incident it
     * opens (null: the first alert's summary), and {@code window}, when not null, how long after that incident opened
     * the group's alerts still join it.
     */
    record IncidentGroup(String key, String title, Duration window) {
    }

    /** A change (a deploy, a config push) recorded on its service. */
    record ChangeEvent(String serviceId, String summary, String source, Instant occurredAt, String customDetails,
                       String links) implements Intake {
    }

    /**
     * A cron job's ping: it ran, and succeeded unless {@code failed}, when {@code log} may say how (the tail of its
     * output, already cut and made storable; null for none).
     */
    record HeartbeatPing(String serviceId, String name, boolean failed, String log) implements Intake {
    }
}
