package dev.tocsin.oncall;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import dev.tocsin.problem.FieldErrors;

/**
 * A window, in the schedule's local time, during which a layer is on duty: it opens at {@code from} on each of
 * {@code days} and closes at {@code to}, the same day, or the next day when {@code to} is before {@code from}
 * (an overnight window: FRIDAY 17:00–09:00 runs from Friday evening to Saturday morning).
 */
record Restriction(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    Restriction {
        FieldErrors errors = new FieldErrors();
        if (days == null || days.isEmpty()) {
            errors.add("days", "at least one day of the week");
        } else if (days.stream().anyMatch(Objects::isNull)) {
            errors.add("days", "days of the week, got an empty entry");
        }
        if (from == null) {
            errors.add("from", "required: the local time the window opens, such as 09:00");
        }
        if (to == null) {
            errors.add("to", "required: the local time the window closes, such as 17:00");
        }
        if (from != null && from.equals(to)) {
            // Equal times could mean an empty window or a whole day; neither reading is safe to guess.
            errors.add("to", "must differ from from (" + from + "); for a whole day use two windows such as "
                    + "00:00-12:00 and 12:00-00:00");
        }
        errors.throwIfAny();
        days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    boolean overnight() {
        return to.isBefore(from);
    }
}
