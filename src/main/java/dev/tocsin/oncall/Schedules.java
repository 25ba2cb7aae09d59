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
 * like any other configuration error, naming the field: {@code schedules[0].layers[1].rotation.users}), and those
 * created through the API, read from the database on each use so that every node sees the same.
 */
@Component
class Schedules {

    private final Map<String, Schedule> byId = new LinkedHashMap<>();
    private final Set<String> users;
    private final ScheduleRepository stored;
    private final JsonMapper json;

    Schedules(TocsinConfig config, ScheduleRepository stored, JsonMapper json) {
        this.stored = stored;
        this.json = json;
        Set<String> users = config.users().stream().map(TocsinConfig.User::id).collect(Collectors.toSet());
        this.users = users;
        List<String> problems = new ArrayList<>();
        List<ScheduleSpec> specs = config.schedules();
        for (int i = 0; i < specs.size(); i++) {
            String path = "schedules[" + i + "]";
            ScheduleSpec spec = specs.get(i);
            try {
                Schedule schedule = FieldErrors.within(path, () -> parse(spec));
                schedule.requireKnownUsers(users);
                if (byId.putIfAbsent(schedule.id(), schedule) != null) {
                    problems.add(path + ".id: duplicate schedule '" + schedule.id() + "'");
                }
            } catch (InvalidInputException e) {
                e.errors().forEach(f -> problems.add((f.field().startsWith(path) ? "" : path + ".") + f.field()
                        + ": " + f.message()));
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

    /** Parses and checks a definition sent to the API; throws {@link InvalidInputException} naming each bad field. */
    Schedule validate(ScheduleSpec spec) {
        Schedule schedule = parse(spec);
        schedule.requireKnownUsers(users);
        return schedule;
    }

    String toJson(ScheduleSpec spec) {
        return json.writeValueAsString(spec);
    }

    private Schedule fromStored(ScheduleRepository.Stored row) {
        // Stored definitions were validated when saved; users removed from the config since would show here.
        return parse(json.readValue(row.spec(), ScheduleSpec.class));
    }

    private static Schedule parse(ScheduleSpec spec) {
        if (spec == null) {
            throw new InvalidInputException("id", "expected a schedule");
        }
        List<Layer> layers = new ArrayList<>();
        List<ScheduleSpec.LayerSpec> layerSpecs = spec.layers() == null ? List.of() : spec.layers();
        for (int i = 0; i < layerSpecs.size(); i++) {
            ScheduleSpec.LayerSpec l = layerSpecs.get(i);
            layers.add(FieldErrors.within("layers[" + i + "]", () -> layer(l)));
        }
        List<ScheduleOverride> overrides = new ArrayList<>();
        List<ScheduleSpec.OverrideSpec> overrideSpecs = spec.overrides() == null ? List.of() : spec.overrides();
        for (int i = 0; i < overrideSpecs.size(); i++) {
            ScheduleSpec.OverrideSpec o = overrideSpecs.get(i);
            if (o == null) {
                throw new InvalidInputException("overrides[" + i + "]", "expected an override: user, start and end");
            }
            overrides.add(FieldErrors.within("overrides[" + i + "]", () -> new ScheduleOverride(o.user(),
                    instant("start", o.start()), instant("end", o.end()), o.replaces())));
        }
        return new Schedule(spec.id(), zone(spec.timeZone()), layers, overrides);
    }

    private static Layer layer(ScheduleSpec.LayerSpec spec) {
        if (spec == null || spec.rotation() == null) {
            throw new InvalidInputException("rotation", "required: kind, users and start");
        }
        ScheduleSpec.RotationSpec r = spec.rotation();
        Rotation rotation = FieldErrors.within("rotation", () -> new Rotation(kind(r.kind()),
                r.every() == null ? 1 : r.every(), r.users() == null ? List.of() : r.users(), start(r.start())));
        List<Restriction> restrictions = new ArrayList<>();
        List<ScheduleSpec.RestrictionSpec> specs = spec.restrictions() == null ? List.of() : spec.restrictions();
        for (int i = 0; i < specs.size(); i++) {
            ScheduleSpec.RestrictionSpec s = specs.get(i);
            if (s == null) {
                throw new InvalidInputException("restrictions[" + i + "]", "expected a restriction: days, from and to");
            }
            restrictions.add(FieldErrors.within("restrictions[" + i + "]",
                    () -> new Restriction(days(s.days()), time("from", s.from()), time("to", s.to()))));
        }
        return new Layer(spec.name(), rotation, restrictions);
    }

    private static ZoneId zone(String text) {
        if (text == null) {
            throw new InvalidInputException("time_zone", "required: an IANA time zone such as Europe/Berlin");
        }
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new InvalidInputException("time_zone", "expected an IANA time zone such as Europe/Berlin, got '" + text + "'");
        }
    }

    private static RotationKind kind(String text) {
        try {
            return RotationKind.valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("kind", "expected hourly, daily or weekly, got " + (text == null ? "nothing" : "'" + text + "'"));
        }
    }

    private static LocalDateTime start(String text) {
        try {
            return LocalDateTime.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("start", "expected the first hand-off as local date and time, e.g. 2026-01-05T09:00");
        }
    }

    private static LocalTime time(String field, String text) {
        try {
            return LocalTime.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "expected a local time such as 09:00, got " + (text == null ? "nothing" : "'" + text + "'"));
        }
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(String.valueOf(text));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "expected an instant such as 2026-03-01T08:00:00Z");
        }
    }

    private static Set<DayOfWeek> days(List<String> names) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                days.add(DayOfWeek.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("days", "expected monday … sunday, got '" + name + "'");
            }
        }
        return days;
    }
}
