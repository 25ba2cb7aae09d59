package dev.tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import dev.tocsin.problem.InvalidInputException;

/**
 * Who is on call when, computed from a schedule alone: no clock, no storage, the same answer every time.
 *
 * <p>Local times that do not exist (the spring-forward gap) move forward by the length of the gap, so a 02:30
 * hand-off on that night happens at 03:30; local times that happen twice (the fall-back overlap) take the earlier
 * offset, the first 02:30. This is {@link ZonedDateTime#ofLocal} with no preferred offset, applied alike to
 * hand-offs and to the edges of restriction windows.
 */
final class ScheduleCalculator {

    /**
     * Two years, leap days included: enough for any calendar view or feed, and a bound on the work one request
     * can cause (an hourly rotation yields at most ~17,600 turns per layer).
     */
    static final Duration MAX_RANGE = Duration.ofDays(2 * 366);

    static final Instant EARLIEST = LocalDate.of(Rotation.FIRST_YEAR, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    static final Instant LATEST = LocalDate.of(Rotation.LAST_YEAR, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private ScheduleCalculator() {
    }

    /**
     * The final on-call timeline within [from, to): sorted, never overlapping, clipped to the range. Where nobody
     * is on call there is no shift. Adjacent pieces with the same user and the same source are one shift, so a new
     * shift starts exactly where the person or the reason changes.
     */
    static List<Shift> shifts(Schedule schedule, Instant from, Instant to) {
        requireRange(from, to);
        if (from.equals(to)) {
            return List.of();
        }
        List<List<Shift>> layers = new ArrayList<>();
        for (Layer layer : schedule.layers()) {
            layers.add(layerShifts(layer, schedule.zone(), from, to));
        }
        List<ScheduleOverride> overrides = schedule.overrides().stream()
                .filter(o -> o.start().isBefore(to) && o.end().isAfter(from))
                .toList();

        TreeSet<Instant> cuts = new TreeSet<>();
        cuts.add(from);
        cuts.add(to);
        for (List<Shift> layer : layers) {
            for (Shift s : layer) {
                cuts.add(s.start());
                cuts.add(s.end());
            }
        }
        for (ScheduleOverride o : overrides) {
            cuts.add(max(o.start(), from));
            cuts.add(min(o.end(), to));
        }

        // Between two consecutive cuts nothing changes, so one look at each piece's start decides the piece.
        List<Shift> out = new ArrayList<>();
        int[] next = new int[layers.size()];
        Instant pieceStart = null;
        for (Instant pieceEnd : cuts) {
            if (pieceStart != null) {
                String user = null;
                String source = null;
                for (int i = layers.size() - 1; i >= 0 && user == null; i--) {
                    List<Shift> layer = layers.get(i);
                    while (next[i] < layer.size() && !layer.get(next[i]).end().isAfter(pieceStart)) {
                        next[i]++;
                    }
                    if (next[i] < layer.size() && layer.get(next[i]).covers(pieceStart)) {
                        user = layer.get(next[i]).user();
                        source = layer.get(next[i]).source();
                    }
                }
                for (ScheduleOverride o : overrides) {
                    if (o.covers(pieceStart) && (o.replaces() == null || o.replaces().equals(user))) {
                        user = o.user();
                        source = Shift.OVERRIDE;
                    }
                }
                if (user != null) {
                    append(out, new Shift(user, pieceStart, pieceEnd, source));
                }
            }
            pieceStart = pieceEnd;
        }
        return List.copyOf(out);
    }

    /** Who is on call at {@code at}, if anyone: the shift of {@link #shifts} that covers it. */
    static Optional<String> onCallAt(Schedule schedule, Instant at) {
        requireInstant("at", at);
        List<Shift> covering = shifts(schedule, at, at.plusNanos(1));
        return covering.isEmpty() ? Optional.empty() : Optional.of(covering.get(0).user());
    }

    /** Refuses a missing instant, or one outside the years schedules are worked out in, naming the request's field. */
    static void requireInstant(String field, Instant at) {
        if (at == null) {
            throw new InvalidInputException(field, "required: an instant such as 2026-03-25T16:00:00Z");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new InvalidInputException(field, "between " + EARLIEST + " and " + LATEST + ", got " + at);
        }
    }

    /**
     * Each layer's own shifts within [from, to), by layer name in the schedule's order (lowest first), before
     * later layers and overrides hide any of them: what a calendar view draws one row per layer.
     */
    static Map<String, List<Shift>> layerShifts(Schedule schedule, Instant from, Instant to) {
        requireRange(from, to);
        Map<String, List<Shift>> out = new LinkedHashMap<>();
        for (Layer layer : schedule.layers()) {
            out.put(layer.name(), layerShifts(layer, schedule.zone(), from, to));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The instant of the k-th hand-off (k = 0 is the rotation's start). Daily and weekly hand-offs step in local
     * date-time, so 09:00 stays 09:00 across DST; hourly ones step in real elapsed time, so every turn is the same
     * length. Never decreasing in k, but two hand-offs may fall on one instant when a whole day is skipped.
     */
    static Instant handOff(Rotation rotation, ZoneId zone, long k) {
        return switch (rotation.kind()) {
            case HOURLY -> local(rotation.start(), zone).plusSeconds(k * rotation.every() * 3600L);
            case DAILY, WEEKLY -> local(rotation.start().plusDays(k * daysPerTurn(rotation)), zone);
        };
    }

    /** The turn that covers {@code at}: the last k whose hand-off is at or before it, or -1 before the start. */
    static long turnAt(Rotation rotation, ZoneId zone, Instant at) {
        // A first guess by division, then at most a step or two to correct for DST, instead of walking from start.
        long guess = switch (rotation.kind()) {
            case HOURLY -> Math.floorDiv(Duration.between(local(rotation.start(), zone), at).getSeconds(),
                    rotation.every() * 3600L);
            case DAILY, WEEKLY -> Math.floorDiv(
                    ChronoUnit.DAYS.between(rotation.start(), LocalDateTime.ofInstant(at, zone)), daysPerTurn(rotation));
        };
        long k = Math.max(guess, -1);
        while (k >= 0 && handOff(rotation, zone, k).isAfter(at)) {
            k--;
        }
        while (!handOff(rotation, zone, k + 1).isAfter(at)) {
            k++;
        }
        return k;
    }

    private static List<Shift> layerShifts(Layer layer, ZoneId zone, Instant from, Instant to) {
        if (from.equals(to)) {
            return List.of();
        }
        List<Shift> turns = turns(layer, zone, from, to);
        if (layer.restrictions().isEmpty() || turns.isEmpty()) {
            return turns;
        }
        List<Shift> out = new ArrayList<>();
        List<Window> windows = windows(layer, zone, from, to);
        int w = 0;
        for (Shift turn : turns) {
            while (w < windows.size() && !windows.get(w).end().isAfter(turn.start())) {
                w++;
            }
            for (int i = w; i < windows.size() && windows.get(i).start().isBefore(turn.end()); i++) {
                Instant start = max(turn.start(), windows.get(i).start());
                Instant end = min(turn.end(), windows.get(i).end());
                if (end.isAfter(start)) {
                    out.add(new Shift(turn.user(), start, end, turn.source()));
                }
            }
        }
        return out;
    }

    /** The rotation's turns within [from, to), clipped, with consecutive turns of one user joined. */
    private static List<Shift> turns(Layer layer, ZoneId zone, Instant from, Instant to) {
        Rotation rotation = layer.rotation();
        List<Shift> out = new ArrayList<>();
        long k = Math.max(0, turnAt(rotation, zone, from));
        Instant start = handOff(rotation, zone, k);
        while (start.isBefore(to)) {
            Instant end = handOff(rotation, zone, k + 1);
            if (end.isAfter(start) && end.isAfter(from)) {
                append(out, new Shift(rotation.userOfTurn(k), max(start, from), min(end, to), layer.name()));
            }
            k++;
            start = end;
        }
        return out;
    }

    /** A span of time during which a layer is on duty. */
    private record Window(Instant start, Instant end) {
    }

    /** The union of the layer's restriction windows that touch [from, to), clipped and sorted. */
    private static List<Window> windows(Layer layer, ZoneId zone, Instant from, Instant to) {
        List<Window> all = new ArrayList<>();
        // A window that opened the evening before (or two, when a gap pushed its end forward) may still be open.
        LocalDate last = LocalDate.ofInstant(to, zone);
        for (LocalDate day = LocalDate.ofInstant(from, zone).minusDays(2); !day.isAfter(last); day = day.plusDays(1)) {
            for (Restriction r : layer.restrictions()) {
                if (r.days().contains(day.getDayOfWeek())) {
                    Instant start = max(local(day.atTime(r.from()), zone), from);
                    Instant end = min(local((r.overnight() ? day.plusDays(1) : day).atTime(r.to()), zone), to);
                    if (end.isAfter(start)) {
                        all.add(new Window(start, end));
                    }
                }
            }
        }
        all.sort(Comparator.comparing(Window::start));
        List<Window> union = new ArrayList<>();
        for (Window window : all) {
            Window previous = union.isEmpty() ? null : union.get(union.size() - 1);
            if (previous != null && !window.start().isAfter(previous.end())) {
                union.set(union.size() - 1, new Window(previous.start(), max(previous.end(), window.end())));
            } else {
                union.add(window);
            }
        }
        return union;
    }

    private static void append(List<Shift> out, Shift shift) {
        Shift previous = out.isEmpty() ? null : out.get(out.size() - 1);
        if (previous != null && previous.end().equals(shift.start()) && previous.user().equals(shift.user())
                && previous.source().equals(shift.source())) {
            out.set(out.size() - 1, new Shift(previous.user(), previous.start(), shift.end(), previous.source()));
        } else {
            out.add(shift);
        }
    }

    private static void requireRange(Instant from, Instant to) {
        if (from == null) {
            throw new InvalidInputException("from", "required: an instant such as 2026-03-23T00:00:00Z");
        }
        if (to == null) {
            throw new InvalidInputException("to", "required: an instant such as 2026-03-30T00:00:00Z");
        }
        if (from.isBefore(EARLIEST) || from.isAfter(LATEST)) {
            throw new InvalidInputException("from", "between " + EARLIEST + " and " + LATEST + ", got " + from);
        }
        if (to.isBefore(from)) {
            throw new InvalidInputException("to", "must not be before from (" + from + "), got " + to);
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new InvalidInputException("to", "at most " + MAX_RANGE.toDays() + " days after from (" + from
                    + "), got " + to);
        }
    }

    private static long daysPerTurn(Rotation rotation) {
        return rotation.kind() == RotationKind.WEEKLY ? 7L * rotation.every() : rotation.every();
    }

    private static Instant local(LocalDateTime dateTime, ZoneId zone) {
        return ZonedDateTime.ofLocal(dateTime, zone, null).toInstant();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
