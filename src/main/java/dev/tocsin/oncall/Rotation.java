package dev.tocsin.oncall;

import java.time.LocalDateTime;
import java.util.List;

import dev.tocsin.problem.FieldErrors;

/**
 * An ordered list of users who take turns: the first hand-off is at {@code start} (local time in the schedule's
 * zone) to the first user, and every {@code every} hours, days or weeks the next user takes over, round and round.
 * A user may appear more than once to take more turns.
 */
record Rotation(RotationKind kind, int every, List<String> users, LocalDateTime start) {

    /** Hand-off arithmetic stays far from the ends of java.time's range, where zone offsets overflow. */
    static final int FIRST_YEAR = 1900;
    static final int LAST_YEAR = 9999;

    Rotation {
        FieldErrors errors = new FieldErrors();
        if (kind == null) {
            errors.add("kind", "required: hourly, daily or weekly");
        }
        if (every < 1) {
            errors.add("every", "at least 1, got " + every);
        }
        if (users == null || users.isEmpty()) {
            errors.add("users", "at least one user");
        } else {
            for (int i = 0; i < users.size(); i++) {
                if (users.get(i) == null || users.get(i).isBlank()) {
                    errors.add("users[" + i + "]", "a user id, got " + (users.get(i) == null ? "nothing" : "blank"));
                }
            }
        }
        if (start == null) {
            errors.add("start", "required: the first hand-off, local date and time in the schedule's zone");
        } else if (start.getYear() < FIRST_YEAR || start.getYear() > LAST_YEAR) {
            errors.add("start", "a year between " + FIRST_YEAR + " and " + LAST_YEAR + ", got " + start.getYear());
        }
        errors.throwIfAny();
        users = List.copyOf(users);
    }

    /** The user of the k-th turn (k = 0 is the turn starting at {@code start}). */
    String userOfTurn(long k) {
        return users.get((int) Math.floorMod(k, (long) users.size()));
    }
}
