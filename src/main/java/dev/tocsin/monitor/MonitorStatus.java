package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.config.Durations;
import org.springframework.stereotype.Component;

/**
 * What other features (the status page, the dashboard) may know of monitors: each service's worst current level,
 * its daily uptime, and the maintenance windows to come.
 */
@Component
public class MonitorStatus {

    /** A service's monitors now: the worst level among them ({@code up} … {@code critical}, {@code maintenance}). */
    public record ServiceLevel(String level, int monitors, List<String> failing) {
    }

    public record Window(String serviceId, Instant startsAt, Instant endsAt, String reason, boolean active) {
    }

    /** One monitor for a list: what it checks, how it stands, and its uptime and latency over 24 hours and 90 days. */
    public record MonitorSummary(String id, String serviceId, String type, String target, String level,
                                 String lastReason, Instant lastCheckedAt, Double uptime24h, Double uptime90d,
                                 Long p95LatencyMs) {
    }

    /**
     * One day of a monitor's 90-day bar: {@code level} is ok, minor, major, maintenance, paused (no checks because it
     * was paused all day) or none (no checks).
     */
    public record Day(LocalDate date, String level, String note) {
    }

    /** Latency of the checks that started in one minute or hour (per {@link Latency#grain}); ms. */
    public record LatencyPoint(Instant start, int checks, Long p50Ms, Long p95Ms, long maxMs) {
    }

    /** Latency from {@code from} to {@code to}, oldest point first. */
    public record Latency(String grain, Instant from, Instant to, List<LatencyPoint> points) {
    }

    /** A change of a monitor's level, newest first. */
    public record LevelChange(Instant at, String level, String previous, Long latencyMs, String reason) {
    }

    /** A monitor's page: its summary, how it is declared, 90 days of bars, 24 hours of latency and its level changes. */
    public record MonitorDetail(MonitorSummary summary, String interval, String origin, List<Day> days, Latency latency,
                                List<LevelChange> changes, Window maintenance) {
    }

    private static final int DAYS = 90;

    private final Monitors monitors;
    private final MonitorRepository repository;
    private final MonitorEngine engine;
    private final Maintenance maintenance;
    private final Clock clock;

    MonitorStatus(Monitors monitors, MonitorRepository repository, MonitorEngine engine, Maintenance maintenance,
                  Clock clock) {
        this.monitors = monitors;
        this.repository = repository;
        this.engine = engine;
        this.maintenance = maintenance;
        this.clock = clock;
    }

    /** Per service with monitors: the worst level of its monitors' last checks. */
    public Map<String, ServiceLevel> levelsByService() {
        Map<String, Level> stored = new HashMap<>();
        repository.states().forEach(s -> {
            if (s.level() != null) {
                stored.put(s.monitorId(), s.level());
            }
        });
        Map<String, Level> worst = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        Map<String, List<String>> failing = new HashMap<>();
        java.util.Set<String> paused = repository.pauses().keySet();
        for (Monitor m : monitors.all()) {
            // A paused monitor says nothing of its service now, as one not configured: it checks nothing.
            if (!m.runnable() || paused.contains(m.id())) {
                continue;
            }
            Level level = engine.runtime(m.id()).map(rt -> rt.level).orElse(stored.get(m.id()));
            counts.merge(m.serviceId(), 1, Integer::sum);
            failing.computeIfAbsent(m.serviceId(), k -> new ArrayList<>());
            if (level == null) {
                worst.putIfAbsent(m.serviceId(), Level.UP);
                continue;
            }
            if (level == Level.WARNING || level == Level.CRITICAL) {
                failing.get(m.serviceId()).add(m.id());
            }
            Level before = worst.get(m.serviceId());
            worst.put(m.serviceId(), before == null ? level : rank(level) > rank(before) ? level : before);
        }
        Map<String, ServiceLevel> out = new LinkedHashMap<>();
        worst.forEach((service, level) -> out.put(service,
                new ServiceLevel(level.wire(), counts.get(service), List.copyOf(failing.get(service)))));
        return out;
    }

    /**
     * Uptime (0-1) of a service's monitors: per UTC day (days without checks absent), and over all those days, where
     * every check weighs alike (not an average of days, where a day of one failed check would weigh as a full one).
     */
    public record ServiceUptime(Map<LocalDate, Double> byDay, Double overall) {
    }

    /**
     * The uptime of each service's monitors from {@code from} to today, for every service at once (one read of the
     * definitions and one query, however many components a status page has); services without checks are absent.
     */
    public Map<String, ServiceUptime> uptimeByService(LocalDate from) {
        Map<String, ServiceUptime> out = new LinkedHashMap<>();
        rollupsByService(from).forEach((service, days) -> {
            Map<LocalDate, Double> byDay = new LinkedHashMap<>();
            Rollup total = new Rollup();
            days.forEach((day, r) -> {
                if (r.uptime() != null) {
                    byDay.put(day, r.uptime());
                }
                total.add(r);
            });
            out.put(service, new ServiceUptime(byDay, total.uptime()));
        });
        return out;
    }

    private Map<String, Map<LocalDate, Rollup>> rollupsByService(LocalDate from) {
        Map<String, String> serviceOf = new HashMap<>();
        monitors.all().forEach(m -> serviceOf.put(m.id(), m.serviceId()));
        Map<String, Map<LocalDate, Rollup>> days = new LinkedHashMap<>();
        Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (MonitorRepository.MonitorBucket b : repository.buckets(serviceOf.keySet(), start, clock.instant().plusSeconds(60))) {
            days.computeIfAbsent(serviceOf.get(b.monitorId()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(LocalDate.ofInstant(b.start(), ZoneOffset.UTC), d -> new Rollup()).add(b.rollup());
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        serviceOf.forEach((id, service) -> engine.unflushed(id).ifPresent(r ->
                days.computeIfAbsent(service, k -> new LinkedHashMap<>()).computeIfAbsent(today, d -> new Rollup()).add(r)));
        return days;
    }

    /** Every monitor with its standing, uptime (percent) and 24-hour p95 latency. */
    public List<MonitorSummary> monitors() {
        return summaries(monitors.all());
    }

    /** One monitor as {@link #monitors()} shows it, with its last 90 days, its latency and its level changes. */
    public Optional<MonitorDetail> monitor(String id, int changes) {
        Optional<Monitor> found = monitors.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Monitor m = found.get();
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = today.minusDays(DAYS - 1);
        List<MonitorRepository.Bucket> buckets = buckets(id, first.atStartOfDay(ZoneOffset.UTC).toInstant());
        Map<LocalDate, Rollup> byDay = new HashMap<>();
        for (MonitorRepository.Bucket b : buckets) {
            byDay.computeIfAbsent(LocalDate.ofInstant(b.start(), ZoneOffset.UTC), d -> new Rollup()).add(b.rollup());
        }
        List<MonitorRepository.PauseSpan> pauses = repository.pauseSpans(id, first.atStartOfDay(ZoneOffset.UTC).toInstant());
        List<Day> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
            days.add(day(d, byDay.get(d), paused(pauses, d, now)));
        }
        List<LevelChange> levelChanges = repository.events(id, changes).stream()
                .map(e -> new LevelChange(e.checkedAt(), e.level().wire(), e.previous() == null ? null : e.previous().wire(),
                        e.latencyMs(), e.reason()))
                .toList();
        Window window = maintenance().stream().filter(w -> w.serviceId().equals(m.serviceId()) && w.active())
                .findFirst().orElse(null);
        return Optional.of(new MonitorDetail(summaries(List.of(m)).get(0), Durations.format(m.interval()),
                m.declaredInConfig() ? "config" : "api", days, latency(buckets, now), levelChanges, window));
    }

    /**
     * A monitor's rollup buckets that start at or after {@code from}, oldest first, with the minute this node is
     * still counting last: what the API's results and the UI's charts are drawn from.
     */
    List<MonitorRepository.Bucket> buckets(String id, Instant from) {
        Instant now = clock.instant();
        List<MonitorRepository.Bucket> out = new ArrayList<>(repository.buckets(id, from, now.plusSeconds(60)));
        engine.unflushed(id).filter(r -> r.checks > 0).ifPresent(r ->
                out.add(new MonitorRepository.Bucket(now.truncatedTo(ChronoUnit.MINUTES), "m", r)));
        return out;
    }

    /**
     * Latency over the last 24 hours, from {@code all} of the monitor's buckets (the page's 90 days, read once): per
     * minute while all the checks are from the last two hours (a new monitor), else per hour; buckets without checks
     * are left out.
     */
    private static Latency latency(List<MonitorRepository.Bucket> all, Instant now) {
        Instant from = now.minus(Duration.ofHours(24));
        List<MonitorRepository.Bucket> buckets = all.stream()
                .filter(b -> !b.start().isBefore(from) && b.rollup().checks > 0).toList();
        Instant recent = now.minus(Duration.ofHours(2));
        boolean minutes = buckets.stream().allMatch(b -> "m".equals(b.grain()) && !b.start().isBefore(recent));
        ChronoUnit unit = minutes ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
        Map<Instant, Rollup> bins = new java.util.TreeMap<>();
        for (MonitorRepository.Bucket b : buckets) {
            bins.computeIfAbsent(b.start().truncatedTo(unit), k -> new Rollup()).add(b.rollup());
        }
        List<LatencyPoint> points = new ArrayList<>();
        bins.forEach((start, r) -> points.add(new LatencyPoint(start, r.checks, r.percentile(0.50), r.percentile(0.95),
                r.latencyMax)));
        return new Latency(minutes ? "minute" : "hour", minutes ? (points.isEmpty() ? now : points.get(0).start()) : from,
                now, points);
    }

    /**
     * A day's uptime as a bar's level, the same on the status page and a monitor's page: under 95 % up is a major
     * outage, under 99.9 % a minor one.
     */
    public static String uptimeLevel(double up) {
        return up < 0.95 ? "major" : up < 0.999 ? "minor" : "ok";
    }

    /** How much of a day (up to {@code now}) a monitor spent paused. */
    private enum Paused { NOT, PART, WHOLE }

    private static Paused paused(List<MonitorRepository.PauseSpan> pauses, LocalDate d, Instant now) {
        Instant start = d.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (end.isAfter(now)) {
            end = now; // today: paused since before midnight and still paused is the whole of it so far
        }
        Instant covered = start; // pauses do not overlap: a monitor is paused once until it is resumed
        boolean any = false;
        for (MonitorRepository.PauseSpan p : pauses) {
            Instant until = p.resumedAt() == null ? now : p.resumedAt();
            if (!p.pausedAt().isBefore(end) || !until.isAfter(start)) {
                continue;
            }
            any = true;
            if (!p.pausedAt().isAfter(covered) && until.isAfter(covered)) {
                covered = until;
            }
        }
        return !any ? Paused.NOT : covered.isBefore(end) ? Paused.PART : Paused.WHOLE;
    }

    /**
     * A day paused throughout is "paused", not "no checks": nothing was checked because someone chose so, and it
     * counts neither as up nor as down (no check ran, so none is counted).
     */
    private static Day day(LocalDate d, Rollup r, Paused paused) {
        // With checks, a pause covered only part of the day, whatever the clock says of the rest (resumed just now).
        String pausedPart = paused == Paused.NOT ? "" : ", paused part of the day";
        if (r == null || r.checks == 0) {
            return paused == Paused.WHOLE ? new Day(d, "paused", d + ": paused, no checks")
                    : new Day(d, "none", d + ": no checks" + pausedPart);
        }
        Double up = r.uptime();
        if (up == null) {
            return new Day(d, "maintenance", d + ": maintenance" + pausedPart);
        }
        return new Day(d, uptimeLevel(up), d + ": " + String.format(java.util.Locale.ROOT, "%.2f", up * 100) + " % uptime, "
                + r.checks + (r.checks == 1 ? " check" : " checks") + (r.maintenances > 0 ? ", maintenance" : "")
                + pausedPart);
    }

    private List<MonitorSummary> summaries(List<Monitor> all) {
        Map<String, MonitorRepository.State> stored = new HashMap<>();
        repository.states().forEach(s -> stored.put(s.monitorId(), s));
        Instant now = clock.instant();
        Instant dayAgo = now.minus(java.time.Duration.ofHours(24));
        Map<String, Rollup> day = new HashMap<>();
        Map<String, Rollup> quarter = new HashMap<>();
        List<String> ids = all.stream().map(Monitor::id).toList();
        for (MonitorRepository.MonitorBucket b : repository.buckets(ids, now.minus(java.time.Duration.ofDays(90)),
                now.plusSeconds(60))) {
            quarter.computeIfAbsent(b.monitorId(), k -> new Rollup()).add(b.rollup());
            if (!b.start().isBefore(dayAgo)) {
                day.computeIfAbsent(b.monitorId(), k -> new Rollup()).add(b.rollup());
            }
        }
        Map<String, MonitorRepository.Pause> paused = repository.pauses();
        List<MonitorSummary> out = new ArrayList<>();
        for (Monitor m : all) {
            MonitorRepository.State s = stored.get(m.id());
            Level level = engine.runtime(m.id()).map(rt -> rt.level).orElse(s == null ? null : s.level());
            Rollup d = day.computeIfAbsent(m.id(), k -> new Rollup());
            Rollup q = quarter.computeIfAbsent(m.id(), k -> new Rollup());
            engine.unflushed(m.id()).ifPresent(r -> {
                d.add(r);
                q.add(r);
            });
            out.add(new MonitorSummary(m.id(), m.serviceId(), m.type().wire(), m.target(),
                    paused.containsKey(m.id()) ? "paused" : !m.runnable() ? "unconfigured"
                            : level == null ? "pending" : level.wire(),
                    s == null ? null : s.lastReason(), s == null ? null : s.lastCheckedAt(), percent(d.uptime()),
                    percent(q.uptime()), d.percentile(0.95)));
        }
        return out;
    }

    /** A 0-1 uptime as a percentage, floored to three decimals: 99.9996 % is not 100 % while anything failed. */
    public static Double percent(Double uptime) {
        return uptime == null ? null : Math.floor(uptime * 100_000) / 1000.0;
    }

    /** Every maintenance window that ended after {@code endedAfter} (past, active and to come), soonest first. */
    public List<Window> maintenanceSince(Instant endedAfter) {
        Instant now = clock.instant();
        return maintenance.since(endedAfter).stream().map(w -> window(w, now)).toList();
    }

    /** Maintenance windows that have not ended, soonest first. */
    public List<Window> maintenance() {
        Instant now = clock.instant();
        return maintenance.upcoming().stream().map(w -> window(w, now)).toList();
    }

    private static Window window(Maintenance.Window w, Instant now) {
        return new Window(w.serviceId(), w.startsAt(), w.endsAt(), w.reason(),
                !now.isBefore(w.startsAt()) && now.isBefore(w.endsAt()));
    }

    private static int rank(Level l) {
        return switch (l) {
            case UP -> 0;
            case MAINTENANCE -> 1;
            case WARNING -> 2;
            case CRITICAL -> 3;
        };
    }
}
