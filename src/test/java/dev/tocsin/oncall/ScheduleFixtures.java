package dev.tocsin.oncall;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Short ways to write schedules and local instants in tests. */
final class ScheduleFixtures {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    private ScheduleFixtures() {
    }

    static Rotation rotation(RotationKind kind, int every, String start, String... users) {
        return new Rotation(kind, every, List.of(users), LocalDateTime.parse(start));
    }

    static Layer layer(String name, Rotation rotation, Restriction... restrictions) {
        return new Layer(name, rotation, List.of(restrictions));
    }

    static Restriction window(Set<DayOfWeek> days, String from, String to) {
        return new Restriction(days, LocalTime.parse(from), LocalTime.parse(to));
    }

    static Schedule schedule(ZoneId zone, List<ScheduleOverride> overrides, Layer... layers) {
        return new Schedule("primary", zone, List.of(layers), overrides);
    }

    static Schedule schedule(ZoneId zone, Layer... layers) {
        return schedule(zone, List.of(), layers);
    }

    /** A local date-time in the zone, resolved like the calculator does (gap: forward, overlap: earlier offset). */
    static Instant at(String localDateTime, ZoneId zone) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
    }

    static Shift shift(String user, String from, String to, String source, ZoneId zone) {
        return new Shift(user, at(from, zone), at(to, zone), source);
    }
}
