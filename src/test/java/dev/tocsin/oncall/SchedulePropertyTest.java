package dev.tocsin.oncall;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties that hold for every schedule, checked on 500 random ones per property. The schedules are drawn
 * around DST transitions of zones with odd rules (30-minute DST, 45-minute offsets, a skipped day) so the awkward
 * cases come up often. Seeds are fixed: a failure names its case and repeats on every run.
 */
class SchedulePropertyTest {

    private static final int CASES = 500;

    private static final List<ZoneId> ZONES = List.of("Europe/Berlin", "America/New_York", "Europe/London",
            "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Pacific/Apia", "Asia/Kolkata", "UTC")
            .stream().map(ZoneId::of).toList();

    private static final List<String> USERS = List.of("ana", "bo", "carla", "dev", "eve");

    /** A random schedule, a range, and the instant the case is built around (usually a DST transition). */
    private record Case(int number, Schedule schedule, Instant from, Instant to, Instant focus) {
        @Override
        public String toString() {
            return "case " + number + ": " + schedule + " over [" + from + ", " + to + ")";
        }
    }

    /** What may vary in the schedules of one property. */
    private record Shape(int maxLayers, boolean restrictions, boolean overrides, Set<RotationKind> kinds,
                         boolean distinctUsers) {
        static final Shape ANY = new Shape(3, true, true, EnumSet.allOf(RotationKind.class), false);
    }

    private static final class Generator {
        private final Random random;
        private int number;

        Generator(long seed) {
            this.random = new Random(seed);
        }

        Case next(Shape shape) {
            ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
            LocalDateTime anchor = LocalDate.of(2025, 1, 1).plusDays(random.nextInt(5 * 365))
                    .atTime(random.nextInt(24), 30 * random.nextInt(2));
            ZoneOffsetTransition transition = zone.getRules().nextTransition(anchor.atZone(zone).toInstant());
            if (transition != null && random.nextInt(3) > 0) {
                anchor = random.nextBoolean() ? transition.getDateTimeBefore() : transition.getDateTimeAfter();
            }
            Instant focus = anchor.atZone(zone).toInstant();
            int layerCount = 1 + random.nextInt(shape.maxLayers());
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < layerCount; i++) {
                List<Restriction> restrictions = new ArrayList<>();
                for (int r = shape.restrictions() ? random.nextInt(3) : 0; r > 0; r--) {
                    restrictions.add(restriction(anchor.toLocalTime()));
                }
                layers.add(new Layer("layer-" + i, rotation(shape, anchor), restrictions));
            }
            Instant from = focus.minus(Duration.ofMinutes(random.nextInt(random.nextBoolean() ? 6 * 60 : 5 * 24 * 60)));
            Instant to = random.nextInt(20) == 0 ? from
                    : focus.plus(Duration.ofMinutes(1 + random.nextInt(random.nextBoolean() ? 6 * 60 : 9 * 24 * 60)));
            List<ScheduleOverride> overrides = new ArrayList<>();
            for (int o = shape.overrides() ? random.nextInt(4) : 0; o > 0; o--) {
                overrides.add(override(from, to));
            }
            return new Case(number++, new Schedule("random", zone, layers, overrides), from, to, focus);
        }

        private Rotation rotation(Shape shape, LocalDateTime anchor) {
            List<RotationKind> kinds = List.copyOf(shape.kinds());
            RotationKind kind = kinds.get(random.nextInt(kinds.size()));
            int every = switch (kind) {
                case HOURLY -> 1 + random.nextInt(12);
                case DAILY -> 1 + random.nextInt(3);
                case WEEKLY -> 1 + random.nextInt(2);
            };
            List<String> users = new ArrayList<>();
            if (shape.distinctUsers()) {
                users.addAll(USERS);
                Collections.shuffle(users, random);
                users = users.subList(0, 2 + random.nextInt(USERS.size() - 1));
            } else {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    users.add(USERS.get(random.nextInt(USERS.size())));
                }
            }
            LocalTime handOff = nearTransition(anchor.toLocalTime());
            long daysPerTurn = kind == RotationKind.WEEKLY ? 7L * every : every;
            // Half the rotations hand off on the anchor's day itself, where the DST trouble is.
            LocalDate startDay = random.nextBoolean() ? anchor.toLocalDate().minusDays(daysPerTurn * random.nextInt(6))
                    : anchor.toLocalDate().minusDays(random.nextInt(40)).plusDays(random.nextInt(10));
            LocalDateTime start = startDay.atTime(handOff);
            return new Rotation(kind, every, users, start);
        }

        private Restriction restriction(LocalTime nearTransition) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            while (days.isEmpty()) {
                for (DayOfWeek d : DayOfWeek.values()) {
                    if (random.nextInt(3) == 0) {
                        days.add(d);
                    }
                }
            }
            LocalTime from = nearTransition(nearTransition);
            LocalTime to = from;
            while (to.equals(from)) {
                to = nearTransition(nearTransition);
            }
            return new Restriction(days, from, to);
        }

        /** Times at and just after a transition's local time (inside its gap or overlap), or any half hour. */
        private LocalTime nearTransition(LocalTime transition) {
            return switch (random.nextInt(4)) {
                case 0 -> transition;
                case 1 -> transition.plusMinutes(15);
                case 2 -> transition.plusMinutes(30);
                default -> LocalTime.of(random.nextInt(24), 30 * random.nextInt(2));
            };
        }

        private ScheduleOverride override(Instant from, Instant to) {
            long span = Math.max(1, Duration.between(from, to).toMinutes());
            Instant start = from.plus(Duration.ofMinutes(random.nextLong(span + 2 * 24 * 60) - 24 * 60));
            String user = USERS.get(random.nextInt(USERS.size()));
            String replaces = random.nextBoolean() ? null : USERS.get(random.nextInt(USERS.size()));
            return new ScheduleOverride(user, start, start.plus(Duration.ofMinutes(30 + random.nextInt(2 * 24 * 60))),
                    user.equals(replaces) ? null : replaces);
        }

        /** An instant in [from, to), half the time within three hours of the case's focus. */
        Instant instantIn(Case c) {
            if (random.nextBoolean()) {
                Instant near = c.focus().plusMillis(random.nextLong(6 * 3600_000L) - 3 * 3600_000L);
                if (!near.isBefore(c.from()) && near.isBefore(c.to())) {
                    return near;
                }
            }
            long span = Duration.between(c.from(), c.to()).toMillis();
            return span == 0 ? c.from() : c.from().plusMillis(random.nextLong(span));
        }
    }

    /** Joins two timelines that meet at one instant the way the calculator joins adjacent pieces. */
    private static List<Shift> joined(List<Shift> first, List<Shift> second) {
        List<Shift> out = new ArrayList<>(first);
        for (Shift s : second) {
            Shift last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end().equals(s.start()) && last.user().equals(s.user()) && last.source().equals(s.source())) {
                out.set(out.size() - 1, new Shift(last.user(), last.start(), s.end(), last.source()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void mergedShiftsAreSortedDisjointAndWithinTheRange() {
        Generator generator = new Generator(1);
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(Shape.ANY);
            List<Shift> shifts = ScheduleCalculator.shifts(c.schedule(), c.from(), c.to());
            for (int j = 0; j < shifts.size(); j++) {
                Shift s = shifts.get(j);
                assertThat(s.start()).as("%s: %s", c, s).isAfterOrEqualTo(c.from());
                assertThat(s.end()).as("%s: %s", c, s).isBeforeOrEqualTo(c.to());
                if (j > 0) {
                    Shift previous = shifts.get(j - 1);
                    assertThat(previous.end()).as("%s: %s then %s", c, previous, s).isBeforeOrEqualTo(s.start());
                    assertThat(previous.end().equals(s.start()) && previous.user().equals(s.user())
                            && previous.source().equals(s.source()))
                            .as("%s: %s and %s should be one shift", c, previous, s).isFalse();
                }
            }
        }
    }

    @Test
    void onCallAtAgreesWithTheShiftCoveringTheInstant() {
        Generator generator = new Generator(2);
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(Shape.ANY);
            List<Shift> shifts = ScheduleCalculator.shifts(c.schedule(), c.from(), c.to());
            List<Instant> probes = new ArrayList<>();
            for (int p = 0; p < 10; p++) {
                probes.add(generator.instantIn(c));
            }
            for (Shift s : shifts) {
                probes.add(s.start());
                probes.add(s.end().minusNanos(1));
            }
            for (Instant t : probes) {
                if (!t.isBefore(c.to())) {
                    continue;
                }
                Optional<String> expected = shifts.stream().filter(s -> s.covers(t)).map(Shift::user).findFirst();
                assertThat(ScheduleCalculator.onCallAt(c.schedule(), t)).as("%s at %s", c, t).isEqualTo(expected);
            }
        }
    }

    @Test
    void onCallAtAgreesWithADirectReadingOfTheRules() {
        Generator generator = new Generator(3);
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(Shape.ANY);
            List<Instant> probes = new ArrayList<>();
            for (int p = 0; p < 10; p++) {
                probes.add(generator.instantIn(c));
            }
            // Just before and at each change is where an off-by-one around DST would show.
            for (Shift s : ScheduleCalculator.shifts(c.schedule(), c.from(), c.to())) {
                probes.add(s.start().minusNanos(1));
                probes.add(s.start());
                probes.add(s.end().minusNanos(1));
            }
            for (Instant t : probes) {
                assertThat(ScheduleCalculator.onCallAt(c.schedule(), t)).as("%s at %s", c, t)
                        .isEqualTo(DirectReading.onCallAt(c.schedule(), t));
            }
        }
    }

    @Test
    void computingARangeInTwoPartsGivesTheSameShifts() {
        Generator generator = new Generator(4);
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(Shape.ANY);
            Instant b = generator.instantIn(c);
            List<Shift> whole = ScheduleCalculator.shifts(c.schedule(), c.from(), c.to());
            List<Shift> parts = joined(ScheduleCalculator.shifts(c.schedule(), c.from(), b),
                    ScheduleCalculator.shifts(c.schedule(), b, c.to()));
            assertThat(parts).as("%s split at %s", c, b).isEqualTo(whole);
        }
    }

    @Test
    void oneLayerWithoutRestrictionsLeavesNoGapOnceTheRotationStarts() {
        Generator generator = new Generator(5);
        Shape shape = new Shape(1, false, false, EnumSet.allOf(RotationKind.class), false);
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(shape);
            Instant first = ScheduleCalculator.handOff(c.schedule().layers().get(0).rotation(), c.schedule().zone(), 0);
            Instant covered = first.isAfter(c.from()) ? first : c.from();
            List<Shift> shifts = ScheduleCalculator.shifts(c.schedule(), c.from(), c.to());
            if (!covered.isBefore(c.to())) {
                assertThat(shifts).as("%s", c).isEmpty();
                continue;
            }
            assertThat(shifts).as("%s", c).isNotEmpty();
            assertThat(shifts.get(0).start()).as("%s", c).isEqualTo(covered);
            assertThat(shifts.get(shifts.size() - 1).end()).as("%s", c).isEqualTo(c.to());
            for (int j = 1; j < shifts.size(); j++) {
                assertThat(shifts.get(j).start()).as("%s", c).isEqualTo(shifts.get(j - 1).end());
            }
        }
    }

    @Test
    void aDailyRotationHandsOffAtItsLocalTimeEveryDayThatHasIt() {
        Generator generator = new Generator(6);
        Shape shape = new Shape(1, false, false, EnumSet.of(RotationKind.DAILY), true);
        int checked = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = generator.next(shape);
            ZoneId zone = c.schedule().zone();
            LocalTime handOff = c.schedule().layers().get(0).rotation().start().toLocalTime();
            List<Shift> shifts = ScheduleCalculator.shifts(c.schedule(), c.from(), c.to());
            for (Shift s : shifts.subList(Math.min(1, shifts.size()), shifts.size())) {
                LocalDateTime local = LocalDateTime.ofInstant(s.start(), zone);
                if (!local.toLocalTime().equals(handOff)) {
                    // Only a hand-off time that did not exist that day may move, and only forward past the gap.
                    LocalDateTime missing = local.toLocalDate().atTime(handOff);
                    LocalDateTime missingDayBefore = missing.minusDays(1);
                    assertThat(zone.getRules().getValidOffsets(missing).isEmpty()
                            && s.start().equals(missing.atZone(zone).toInstant())
                            || zone.getRules().getValidOffsets(missingDayBefore).isEmpty()
                            && s.start().equals(missingDayBefore.atZone(zone).toInstant()))
                            .as("%s: %s starts at %s local", c, s, local).isTrue();
                }
                checked++;
            }
        }
        assertThat(checked).as("hand-offs checked").isGreaterThan(1000);
    }

    /** The rules of docs/oncall.md read literally at one instant: slow, obviously right, and written separately. */
    private static final class DirectReading {

        static Optional<String> onCallAt(Schedule schedule, Instant t) {
            String user = null;
            List<Layer> layers = schedule.layers();
            for (int i = layers.size() - 1; i >= 0 && user == null; i--) {
                if (onDuty(layers.get(i), schedule.zone(), t)) {
                    user = rotationUserAt(layers.get(i).rotation(), schedule.zone(), t);
                }
            }
            for (ScheduleOverride o : schedule.overrides()) {
                if (o.covers(t) && (o.replaces() == null || o.replaces().equals(user))) {
                    user = o.user();
                }
            }
            return Optional.ofNullable(user);
        }

        private static boolean onDuty(Layer layer, ZoneId zone, Instant t) {
            if (layer.restrictions().isEmpty()) {
                return true;
            }
            LocalDate today = LocalDate.ofInstant(t, zone);
            for (LocalDate day = today.minusDays(2); !day.isAfter(today); day = day.plusDays(1)) {
                for (Restriction r : layer.restrictions()) {
                    Instant opens = day.atTime(r.from()).atZone(zone).toInstant();
                    LocalDate closingDay = r.to().isBefore(r.from()) ? day.plusDays(1) : day;
                    Instant closes = closingDay.atTime(r.to()).atZone(zone).toInstant();
                    if (r.days().contains(day.getDayOfWeek()) && !t.isBefore(opens) && t.isBefore(closes)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Walks the hand-offs one by one from the start of the rotation. */
        private static String rotationUserAt(Rotation r, ZoneId zone, Instant t) {
            Instant handOff = r.start().atZone(zone).toInstant();
            if (t.isBefore(handOff)) {
                return null;
            }
            for (long turn = 0; ; turn++) {
                Instant next = switch (r.kind()) {
                    case HOURLY -> handOff.plus(Duration.ofHours(r.every()));
                    case DAILY -> r.start().plusDays((turn + 1) * r.every()).atZone(zone).toInstant();
                    case WEEKLY -> r.start().plusWeeks((turn + 1) * r.every()).atZone(zone).toInstant();
                };
                if (next.isAfter(t)) {
                    return r.users().get((int) (turn % r.users().size()));
                }
                handOff = next;
            }
        }
    }
}
