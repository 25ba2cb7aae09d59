package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        for (Monitor m : monitors.all()) {
            if (!m.runnable()) {
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

    /** Uptime (0-1) of a service's monitors per UTC day from {@code from} to today; days without checks are absent. */
    public Map<LocalDate, Double> dailyUptime(String serviceId, LocalDate from) {
        List<String> ids = monitors.all().stream().filter(m -> m.serviceId().equals(serviceId)).map(Monitor::id).toList();
        Map<LocalDate, Rollup> days = new LinkedHashMap<>();
        Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (MonitorRepository.MonitorBucket b : repository.buckets(ids, start, clock.instant().plusSeconds(60))) {
            days.computeIfAbsent(LocalDate.ofInstant(b.start(), ZoneOffset.UTC), d -> new Rollup()).add(b.rollup());
        }
        for (String id : ids) {
            engine.unflushed(id).ifPresent(r -> days.computeIfAbsent(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC),
                    d -> new Rollup()).add(r));
        }
        Map<LocalDate, Double> out = new LinkedHashMap<>();
        days.forEach((day, r) -> {
            if (r.uptime() != null) {
                out.put(day, r.uptime());
            }
        });
        return out;
    }

    /** Every monitor with its standing, uptime (percent) and 24-hour p95 latency. */
    public List<MonitorSummary> monitors() {
        Map<String, MonitorRepository.State> stored = new HashMap<>();
        repository.states().forEach(s -> stored.put(s.monitorId(), s));
        Instant now = clock.instant();
        List<MonitorSummary> out = new ArrayList<>();
        for (Monitor m : monitors.all()) {
            MonitorRepository.State s = stored.get(m.id());
            Level level = engine.runtime(m.id()).map(rt -> rt.level).orElse(s == null ? null : s.level());
            Rollup day = new Rollup();
            Rollup quarter = new Rollup();
            for (MonitorRepository.Bucket b : repository.buckets(m.id(), now.minus(java.time.Duration.ofDays(90)), now.plusSeconds(60))) {
                quarter.add(b.rollup());
                if (!b.start().isBefore(now.minus(java.time.Duration.ofHours(24)))) {
                    day.add(b.rollup());
                }
            }
            engine.unflushed(m.id()).ifPresent(r -> {
                day.add(r);
                quarter.add(r);
            });
            out.add(new MonitorSummary(m.id(), m.serviceId(), m.type().wire(), m.target(),
                    !m.runnable() ? "unconfigured" : level == null ? "pending" : level.wire(),
                    s == null ? null : s.lastReason(), s == null ? null : s.lastCheckedAt(), percent(day.uptime()),
                    percent(quarter.uptime()), day.percentile(0.95)));
        }
        return out;
    }

    private static Double percent(Double uptime) {
        return uptime == null ? null : Math.floor(uptime * 100_000) / 1000.0;
    }

    /** Maintenance windows that have not ended, soonest first. */
    public List<Window> maintenance() {
        Instant now = clock.instant();
        return maintenance.upcoming().stream()
                .map(w -> new Window(w.serviceId(), w.startsAt(), w.endsAt(), w.reason(),
                        !now.isBefore(w.startsAt()) && now.isBefore(w.endsAt())))
                .toList();
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
