package dev.tocsin.oncall;

import java.time.Instant;

import dev.tocsin.problem.FieldErrors;

/**
 * {@code user} is on call from {@code start} until {@code end}: in place of {@code replaces} wherever that user
 * would be on call, or, when {@code replaces} is null, in place of whoever is on call, and also where nobody is.
 * Named so it does not hide {@link java.lang.Override} from the rest of the package.
 */
record ScheduleOverride(String user, Instant start, Instant end, String replaces) {

    ScheduleOverride {
        FieldErrors errors = new FieldErrors();
        if (user == null || user.isBlank()) {
            errors.add("user", "required: the user who covers");
        }
        if (start == null) {
            errors.add("start", "required: an instant such as 2026-03-25T16:00:00Z");
        }
        if (end == null) {
            errors.add("end", "required: an instant such as 2026-03-26T08:00:00Z");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add("end", "must be after start (" + start + "), got " + end);
        }
        if (replaces != null && replaces.isBlank()) {
            errors.add("replaces", "a user id, or absent to cover whoever is on call");
        } else if (replaces != null && replaces.equals(user)) {
            errors.add("replaces", "'" + user + "' cannot cover for themselves");
        }
        errors.throwIfAny();
    }

    boolean covers(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }
}
