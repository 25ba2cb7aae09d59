package dev.tocsin.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The request is well-formed but the current state does not allow it, e.g. an illegal status change (409). */
public class ConflictException extends RuntimeException {

    private final Map<String, Object> properties;

    public ConflictException(String message) {
        this(message, Map.of());
    }

    /** {@code properties}: members of the problem document besides its detail, for a client to act on without parsing it. */
    public ConflictException(String message, Map<String, Object> properties) {
        super(message);
        // A copy that keeps nulls ("current_level": null says there is none) and the order given.
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
