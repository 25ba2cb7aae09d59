package dev.tocsin.oncall;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ScheduleSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schedules: those of the configuration, parsed and validated at start-up (an invalid one refuses start-up
 * like any other configuration error, naming every bad field: {@code schedules[0].layers[1].rotation.users}), and those
 * created through the API, read from the database on each use so that every node sees the same.
 */
@Component
class Schedules {

    private final Map<String, Schedule> byId = new LinkedHashMap<>();
    private final Map<String, TocsinConfig.User> users;
    private final ScheduleRepository stored;
    private final JsonMapper json;

    Schedules(TocsinConfig config, ScheduleRepository stored, JsonMapper json) {
        this.stored = stored;
        this.json = json;
        Map<String, TocsinConfig.User> users = config.users().stream()
                .collect(Collectors.toMap(TocsinConfig.User::id, u -> u, (a, b) -> a));
        this.users = users;
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<ScheduleSpec> specs = config.schedules();
        for (int i = 0; i < specs.size(); i++) {
            String path = "schedules[" + i + "]";
            ScheduleSpec spec = specs.get(i);
            // By the id as written, so that a schedule refused for other fields is still named as a duplicate.
            if (spec != null && spec.id() != null && !ids.add(spec.id())) {
                problems.add(path + ".id: duplicate schedule '" + spec.id() + "'");
            }
            try {
                Schedule schedule = parse(spec, users);
                byId.putIfAbsent(schedule.id(), schedule);
            } catch (InvalidInputException e) {
                e.errors().forEach(f -> problems.add(path + "." + f.field() + ": " + f.message()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.source(), problems);
        }
    }

    Optional<Schedule> find(String id) {
        Schedule declared = byId.get(id);
        return declared != null ? Optional.of(declared) : stored.find(id).map(this::fromStored);
    }

    List<Schedule> all() {
        List<Schedule> all = new ArrayList<>(byId.values());
        stored.all().forEach(s -> all.add(fromStored(s)));
        return all;
    }

    boolean declaredInConfig(String id) {
        return byId.containsKey(id);
    }

    /** Parses and checks a definition sent to the API; throws {@link InvalidInputException} naming every bad field. */
    Schedule validate(ScheduleSpec spec) {
        return parse(spec, users);
    }

    String toJson(ScheduleSpec spec) {
        return json.writeValueAsString(spec);
    }

    private Schedule fromStored(ScheduleRepository.Stored row) {
        // Stored definitions were validated when saved; users removed from the config since would show here.
        return parse(json.readValue(row.spec(), ScheduleSpec.class), null);
    }

    /**
     * Reads and checks every part even when one before it was refused, so that the refusal names every bad field: a
     * schedule with two problems should not take two edits and two restarts (or two requests) to find them. A part that
     * could not be read is null in the list it belongs to, and the value holding it does not report it again
     * ({@link FieldErrors#collect}). {@code users}: the users the schedule may name by id, or null not to check them.
     */
    private static Schedule parse(ScheduleSpec spec, Map<String, TocsinConfig.User> users) {
        if (spec == null) {
            throw new InvalidInputException("id", "expected a schedule");
        }
        FieldErrors errors = new FieldErrors();
        ZoneId zone = zone(spec.timeZone(), errors);
        List<Layer> layers = new ArrayList<>();
        List<ScheduleSpec.LayerSpec> layerSpecs = spec.layers() == null ? List.of() : spec.layers();
        for (int i = 0; i < layerSpecs.size(); i++) {
            ScheduleSpec.LayerSpec l = layerSpecs.get(i);
            layers.add(errors.collect("layers[" + i + "]", () -> layer(l, users)));
        }
        List<ScheduleOverride> overrides = new ArrayList<>();
        List<ScheduleSpec.OverrideSpec> overrideSpecs = spec.overrides() == null ? List.of() : spec.overrides();
        for (int i = 0; i < overrideSpecs.size(); i++) {
            ScheduleSpec.OverrideSpec o = overrideSpecs.get(i);
            if (o == null) {
                errors.add("overrides[" + i + "]", "expected an override: user, start and end");
                overrides.add(null);
            } else {
                overrides.add(errors.collect("overrides[" + i + "]", () -> override(o, users)));
            }
        }
        Schedule schedule = errors.collect("", () -> new Schedule(spec.id(), zone, layers, overrides));
        errors.throwIfAny();
        return schedule;
    }

    private static Layer layer(ScheduleSpec.LayerSpec spec, Map<String, TocsinConfig.User> users) {
        if (spec == null) {
            throw new InvalidInputException("rotation", "required: kind, users and start");
        }
        FieldErrors errors = new FieldErrors();
        ScheduleSpec.RotationSpec r = spec.rotation();
        if (r == null) {
            errors.add("rotation", "required: kind, users and start");
        }
        Rotation rotation = r == null ? null : errors.collect("rotation", () -> rotation(r, users));
        List<Restriction> restrictions = new ArrayList<>();
        List<ScheduleSpec.RestrictionSpec> specs = spec.restrictions() == null ? List.of() : spec.restrictions();
        for (int i = 0; i < specs.size(); i++) {
            ScheduleSpec.RestrictionSpec s = specs.get(i);
            if (s == null) {
                errors.add("restrictions[" + i + "]", "expected a restriction: days, from and to");
                restrictions.add(null);
            } else {
                restrictions.add(errors.collect("restrictions[" + i + "]", () -> restriction(s)));
            }
        }
        Layer layer = errors.collect("", () -> new Layer(spec.name(), rotation, restrictions));
        errors.throwIfAny();
        return layer;
    }

    private static Rotation rotation(ScheduleSpec.RotationSpec spec, Map<String, TocsinConfig.User> users) {
        FieldErrors errors = new FieldErrors();
        RotationKind kind = kind(spec.kind(), errors);
        LocalDateTime start = start(spec.start(), errors);
        List<String> names = spec.users() == null ? List.of() : spec.users();
        Rotation rotation = errors.collect("", () -> new Rotation(kind, spec.every() == null ? 1 : spec.every(), names, start));
        for (int i = 0; i < names.size(); i++) {
            notOnCall("users[" + i + "]", names.get(i), users, errors);
        }
        errors.throwIfAny();
        return rotation;
    }

    private static Restriction restriction(ScheduleSpec.RestrictionSpec spec) {
        FieldErrors errors = new FieldErrors();
        Set<DayOfWeek> days = days(spec.days(), errors);
        LocalTime from = time("from", spec.from(), errors);
        LocalTime to = time("to", spec.to(), errors);
        Restriction restriction = errors.collect("", () -> new Restriction(days, from, to));
        errors.throwIfAny();
        return restriction;
    }

    private static ScheduleOverride override(ScheduleSpec.OverrideSpec spec, Map<String, TocsinConfig.User> users) {
        FieldErrors errors = new FieldErrors();
        Instant start = instant("start", spec.start(), errors);
        Instant end = instant("end", spec.end(), errors);
        ScheduleOverride override = errors.collect("", () -> new ScheduleOverride(spec.user(), start, end, spec.replaces()));
        notOnCall("user", spec.user(), users, errors);
        unknownUser("replaces", spec.replaces(), users, errors);
        errors.throwIfAny();
        return override;
    }

    /** A user the file does not declare; a missing or blank id is the value's own refusal, not this one. */
    private static void unknownUser(String field, String user, Map<String, TocsinConfig.User> users, FieldErrors errors) {
        if (users != null && user != null && !user.isBlank() && !users.containsKey(user)) {
            errors.add(field, "unknown user '" + user + "'");
        }
    }

    /** A user who cannot take a shift: one the file does not declare, or an observer (observers are never paged). */
    private static void notOnCall(String field, String user, Map<String, TocsinConfig.User> users, FieldErrors errors) {
        unknownUser(field, user, users, errors);
        if (users != null && user != null && users.containsKey(user) && users.get(user).isObserver()) {
            errors.add(field, "'" + user + "' is an observer, and observers are never on call: name a responder, "
                    + "or make them one (role: responder)");
        }
    }

    private static ZoneId zone(String text, FieldErrors errors) {
        if (text == null) {
            errors.add("time_zone", "required: an IANA time zone such as Europe/Berlin");
            return null;
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            errors.add("time_zone", "expected an IANA time zone such as Europe/Berlin, got '" + text + "'");
            return null;
        }
    }

    private static RotationKind kind(String text, FieldErrors errors) {
        try {
            return RotationKind.valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add("kind", "expected hourly, daily or weekly, got " + (text == null ? "nothing" : "'" + text + "'"));
            return null;
        }
    }

    private static LocalDateTime start(String text, FieldErrors errors) {
        try {
            return LocalDateTime.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            errors.add("start", "expected the first hand-off as local date and time, e.g. 2026-01-05T09:00");
            return null;
        }
    }

    private static LocalTime time(String field, String text, FieldErrors errors) {
        try {
            return LocalTime.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            errors.add(field, "expected a local time such as 09:00, got " + (text == null ? "nothing" : "'" + text + "'"));
            return null;
        }
    }

    private static Instant instant(String field, String text, FieldErrors errors) {
        try {
            return Instant.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            errors.add(field, "expected an instant such as 2026-03-01T08:00:00Z");
            return null;
        }
    }

    /** The days that could be read; each that could not is refused by its place in the list. */
    private static Set<DayOfWeek> days(List<String> names, FieldErrors errors) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        List<String> list = names == null ? List.of() : names;
        for (int i = 0; i < list.size(); i++) {
            try {
                days.add(DayOfWeek.valueOf(String.valueOf(list.get(i)).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add("days[" + i + "]", "expected monday … sunday, got '" + list.get(i) + "'");
            }
        }
        return days;
    }
}
