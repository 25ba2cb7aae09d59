package dev.tocsin.incident;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** The roles of incident command (seed 002/003): who leads, who fixes, who talks to stakeholders. */
public enum IncidentRole {
    INCIDENT_COMMANDER("incident_commander", "commander"),
    TECHNICAL_LEAD("technical_lead", "technical_lead"),
    COMMUNICATIONS_LEAD("communications_lead", "communications_lead");

    private final String wire;
    private final String column;

    IncidentRole(String wire, String column) {
        this.wire = wire;
        this.column = column;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    String column() {
        return column;
    }

    public static Optional<IncidentRole> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire.equals(value)).findFirst();
    }
}
