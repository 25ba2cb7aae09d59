package dev.tocsin.incident;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The incident lifecycle: triggered → acknowledged → investigating → identified → monitoring → resolved.
 * Work may skip ahead, move between the working states, be un-acknowledged, or be re-opened after resolution.
 */
public enum IncidentStatus {
    TRIGGERED, ACKNOWLEDGED, INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED;

    private static final Set<IncidentStatus> WORKING = EnumSet.of(INVESTIGATING, IDENTIFIED, MONITORING);

    public boolean canMoveTo(IncidentStatus next) {
        return switch (this) {
            case TRIGGERED -> next != TRIGGERED;
            case ACKNOWLEDGED -> next != ACKNOWLEDGED;
            case INVESTIGATING, IDENTIFIED, MONITORING -> next != this && (WORKING.contains(next) || next == RESOLVED);
            case RESOLVED -> next == TRIGGERED;
        };
    }

    public boolean isOpen() {
        return this != RESOLVED;
    }

    /** Past "triggered": somebody has taken the incident. */
    public boolean isAcknowledged() {
        return this != TRIGGERED && this != RESOLVED;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IncidentStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(IncidentStatus::wire).toList().toString();
    }
}
