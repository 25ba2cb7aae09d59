package dev.tocsin.timeline;

import java.util.Map;

/** An event to append: what happened, who did it, what it concerns, and its details. */
public record NewEvent(String kind, Actor actor, Long incidentId, Long alertId, String serviceId,
                       Map<String, ?> data) {

    public NewEvent {
        if (kind == null || kind.isBlank() || kind.length() > 60) {
            throw new IllegalArgumentException("kind must be 1-60 characters");
        }
        if (actor == null) {
            throw new IllegalArgumentException("actor is required");
        }
        data = data == null ? Map.of() : data;
    }
}
