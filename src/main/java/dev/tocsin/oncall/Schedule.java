package dev.tocsin.oncall;

import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tocsin.problem.FieldErrors;

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
            errors.add("time_zone", "required: a time zone such as Europe/Berlin");
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
}
