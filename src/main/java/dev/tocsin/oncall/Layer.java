package dev.tocsin.oncall;

import java.util.List;

import dev.tocsin.problem.FieldErrors;

/**
 * One rotation of a schedule, on duty only within its restrictions (always, when it has none). Where a later layer
 * of the schedule has someone on call, it hides the layers before it.
 */
record Layer(String name, Rotation rotation, List<Restriction> restrictions) {

    Layer {
        FieldErrors errors = new FieldErrors();
        if (name == null || name.isBlank()) {
            errors.add("name", "required: a name such as primary or business-hours");
        } else if (name.length() > 100) {
            errors.add("name", "at most 100 characters");
        } else if (name.equals(Shift.OVERRIDE)) {
            errors.add("name", "'" + Shift.OVERRIDE + "' is reserved for the shifts of overrides");
        }
        if (rotation == null) {
            errors.add("rotation", "required");
        }
        if (restrictions == null) {
            restrictions = List.of();
        }
        for (int i = 0; i < restrictions.size(); i++) {
            if (restrictions.get(i) == null) {
                errors.add("restrictions[" + i + "]", "a restriction, got nothing");
            }
        }
        errors.throwIfAny();
        restrictions = List.copyOf(restrictions);
    }
}
