package dev.tocsin.oncall;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where an incident's escalation stands. Only an active escalation has timers that do anything. */
enum EscalationState {
    /** Waiting for an acknowledgement; the next step is set. */
    ACTIVE,
    /** Somebody acknowledged: no more pages until the incident is un-acknowledged or re-opened. */
    ACKNOWLEDGED,
    /** The incident was resolved: everything pending is void. */
    RESOLVED,
    /** Every level (and every repeat) was paged and nobody acknowledged. */
    EXHAUSTED;

    @JsonValue
    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static EscalationState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
