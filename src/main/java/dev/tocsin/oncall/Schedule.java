package dev.tocsin.oncall;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;

/**
 * Who is on call, as layers of rotations in one time zone plus overrides; {@link ScheduleCalculator} turns it
 * into shifts. Layers are listed lowest first; overrides apply in the order listed, each to the result of those
 * before it.
 */
record Schedule(String id, ZoneId zone, List<Layer> layers, List<ScheduleOverride> overrides) {

    /** The same shape as the other ids of the configuration (services, users, teams). */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    Schedule {
        FieldErrors errors = new FieldErrors();
        if (id == null || !ID.matcher(id).matches()) {
            errors.add("id", "expected lower-case letters, digits, '.', '_' or '-' (at most 100), got "
                    + (id == null ? "nothing" : "'" + id + "'"));
        }
        if (zone == null) {
            errors.add("zone", "required: a time zone such as Europe/Berlin");
        }
        if (layers == null || layers.isEmpty()) {
            errors.add("layers", "at least one layer");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < layers.size(); i++) {
                Layer layer = layers.get(i);
                if (layer == null) {
                    errors.add("layers[" + i + "]", "a layer, got nothing");
                } else if (!names.add(layer.name())) {
                    errors.add("layers[" + i + "].name", "duplicate layer '" + layer.name() + "'");
                }
            }
        }
        if (overrides == null) {
            overrides = List.of();
        }
        for (int i = 0; i < overrides.size(); i++) {
            if (overrides.get(i) == null) {
                errors.add("overrides[" + i + "]", "an override, got nothing");
            }
        }
        errors.throwIfAny();
        layers = List.copyOf(layers);
        overrides = List.copyOf(overrides);
    }

    /**
     * Refuses the schedule if it names a user outside {@code userIds}, naming every such field
     * ({@code layers[0].rotation.users[2]}, {@code overrides[1].replaces}).
     */
    void requireKnownUsers(Set<String> userIds) {
        List<InvalidInputException.FieldError> unknown = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<String> users = layers.get(i).rotation().users();
            for (int j = 0; j < users.size(); j++) {
                if (!userIds.contains(users.get(j))) {
                    unknown.add(new InvalidInputException.FieldError("layers[" + i + "].rotation.users[" + j + "]",
                            "unknown user '" + users.get(j) + "'"));
                }
            }
        }
        for (int i = 0; i < overrides.size(); i++) {
            ScheduleOverride o = overrides.get(i);
            if (!userIds.contains(o.user())) {
                unknown.add(new InvalidInputException.FieldError("overrides[" + i + "].user",
                        "unknown user '" + o.user() + "'"));
            }
            if (o.replaces() != null && !userIds.contains(o.replaces())) {
                unknown.add(new InvalidInputException.FieldError("overrides[" + i + "].replaces",
                        "unknown user '" + o.replaces() + "'"));
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(unknown);
        }
    }
}
