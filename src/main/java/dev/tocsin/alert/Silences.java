package dev.tocsin.alert;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a service's new alerts should open no incident right now, and why: its maintenance window (seed 004's
 * MAINTENANCE_MODE). The alert is still recorded, marked suppressed, on the timeline.
 */
public interface Silences {

    /** The reason the service is silenced at {@code at} ("maintenance: database upgrade"), if it is. */
    Optional<String> silenced(String serviceId, Instant at);
}
