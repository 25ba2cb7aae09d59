package dev.tocsin.monitor;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.Durations;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Monitors through the API: their standing, uptime (24 h, 7 d, 30 d, 90 d) and latency percentiles, results over
 * time, a check on demand, monitors created, replaced and deleted, and maintenance windows.
 */
@RestController
class MonitorController {

    private static final Map<String, Duration> UPTIME_WINDOWS = new LinkedHashMap<>();

    static {
        UPTIME_WINDOWS.put("24h", Duration.ofHours(24));
        UPTIME_WINDOWS.put("7d", Duration.ofDays(7));
        UPTIME_WINDOWS.put("30d", Duration.ofDays(30));
        UPTIME_WINDOWS.put("90d", Duration.ofDays(90));
    }

    /** Every level the list shows: a check's, or where there is none yet, why. */
    private static final List<String> LIST_LEVELS = List.of("up", "warning", "critical", "maintenance", "pending",
            "unconfigured", "paused");

    private final TocsinConfig config;
    private final Monitors monitors;
    private final MonitorEngine engine;
    private final MonitorRepository repository;
    private final MonitorEditing editing;
    private final Maintenance maintenance;
    private final MonitorStatus status;
    private final Clock clock;
    private final JsonMapper json;

    MonitorController(TocsinConfig config, Monitors monitors, MonitorEngine engine, MonitorRepository repository,
                      MonitorEditing editing, Maintenance maintenance, MonitorStatus status, Clock clock, JsonMapper json) {
        this.config = config;
        this.json = json;
        this.monitors = monitors;
        this.engine = engine;
        this.repository = repository;
        this.editing = editing;
        this.maintenance = maintenance;
        this.status = status;
        this.clock = clock;
    }

    @GetMapping("/api/v1/monitors")
    List<Map<String, Object>> list(@RequestParam(required = false) String service,
                                   @RequestParam(required = false) String level) {
        // A filter that can match nothing is a typo: an empty list would read as "no monitor is down".
        if (level != null && !LIST_LEVELS.contains(level)) {
            throw new InvalidInputException("level", "expected one of " + LIST_LEVELS + ", got '" + level + "'");
        }
        if (service != null && config.service(service).isEmpty()) {
            throw new InvalidInputException("service", "unknown service '" + service + "'");
        }
        Map<String, MonitorRepository.State> states = new LinkedHashMap<>();
        repository.states().forEach(s -> states.put(s.monitorId(), s));
        Map<String, MonitorRepository.Pause> pauses = repository.pauses();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Monitor m : monitors.all()) {
            if (service != null && !service.equals(m.serviceId())) {
                continue;
            }
            Map<String, Object> view = summary(m, states.get(m.id()), pauses.get(m.id()));
            if (level != null && !level.equals(view.get("level"))) {
                continue;
            }
            out.add(view);
        }
        return out;
    }

    @GetMapping("/api/v1/monitors/{id}")
    Map<String, Object> get(@PathVariable String id) {
        Monitor m = find(id);
        Map<String, Object> view = summary(m, id);
        Instant now = clock.instant();
        Map<String, Object> uptime = new LinkedHashMap<>();
        Rollup day = null;
        for (Map.Entry<String, Duration> w : UPTIME_WINDOWS.entrySet()) {
            Rollup r = sum(id, now.minus(w.getValue()), now);
            uptime.put(w.getKey(), MonitorStatus.percent(r.uptime())); // as the list and the status page show it
            if (day == null) {
                day = r;
            }
        }
        view.put("uptime_percent", uptime);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("window", "24h");
        latency.put("checks", day.checks);
        latency.put("avg_ms", day.averageLatency());
        latency.put("p50_ms", day.percentile(0.50));
        latency.put("p95_ms", day.percentile(0.95));
        latency.put("p99_ms", day.percentile(0.99));
        latency.put("max_ms", day.checks == 0 ? null : day.latencyMax);
        view.put("latency", latency);
        view.put("definition", definition(m));
        return view;
    }

    /**
     * The last checks: all the node running the monitor keeps, or, on another node (or before the first check after a
     * restart), the last ones written back with its state, at most a few seconds old.
     */
    private Object recent(String id) {
        List<CheckResult> here = engine.recent(id);
        if (!here.isEmpty()) {
            return here.stream().map(CheckResult::toJson).toList();
        }
        return repository.state(id).map(MonitorRepository.State::recentChecks).<Object>map(json::readTree).orElse(List.of());
    }

    /**
     * Results over time: the rollup buckets from {@code since} (default: 24 hours ago), every level change, and the
     * last checks (see {@link #recent}).
     */
    @GetMapping("/api/v1/monitors/{id}/results")
    Map<String, Object> results(@PathVariable String id, @RequestParam(required = false) String since,
                                @RequestParam(defaultValue = "100") int events) {
        Monitor m = find(id);
        Instant now = clock.instant();
        Instant from = now.minus(Duration.ofHours(24));
        if (since != null) {
            try {
                from = Instant.parse(since);
                String outOfRange = SqlTime.rangeProblem(from, since);
                if (outOfRange != null) {
                    throw new InvalidInputException("since", outOfRange);
                }
            } catch (DateTimeParseException e) {
                try {
                    from = now.minus(Durations.parse(since));
                } catch (IllegalArgumentException | DateTimeException | ArithmeticException notADuration) {
                    throw new InvalidInputException("since", "expected an instant (2026-03-01T00:00:00Z) or a duration (24h, 7d)");
                }
                String outOfRange = SqlTime.rangeProblem(from, since);
                if (outOfRange != null) {
                    throw new InvalidInputException("since", outOfRange);
                }
            }
        }
        if (events < 1 || events > 1000) {
            throw new InvalidInputException("events", "between 1 and 1000");
        }
        List<Map<String, Object>> buckets = new ArrayList<>();
        for (MonitorRepository.Bucket b : status.buckets(id, from)) {
            buckets.add(bucket(b.start(), b.grain(), b.rollup()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", m.id());
        out.put("since", from.toString());
        out.put("buckets", buckets);
        List<Map<String, Object>> changes = new ArrayList<>();
        for (MonitorRepository.Event e : repository.events(id, events)) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("at", e.checkedAt().toString());
            c.put("level", e.level().wire());
            c.put("previous", e.previous() == null ? null : e.previous().wire());
            c.put("latency_ms", e.latencyMs());
            c.put("http_status", e.httpStatus());
            c.put("reason", e.reason());
            changes.add(c);
        }
        out.put("changes", changes);
        out.put("recent", recent(id));
        return out;
    }

    @PostMapping("/api/v1/monitors/{id}/check")
    Map<String, Object> check(@PathVariable String id) {
        Monitor m = find(id);
        if (repository.pause(id).isPresent()) {
            throw new ConflictException("monitor '" + id + "' is paused; resume it to check it");
        }
        return engine.checkNow(m).toJson();
    }

    /** Pauses a monitor (write scope: it changes no definition); pausing a paused one is a 200 that changes nothing. */
    @PostMapping("/api/v1/monitors/{id}/pause")
    Map<String, Object> pause(@PathVariable String id) {
        return summary(editing.pause(id, CurrentActor.get()), id);
    }

    @PostMapping("/api/v1/monitors/{id}/resume")
    Map<String, Object> resume(@PathVariable String id) {
        return summary(editing.resume(id, CurrentActor.get()), id);
    }

    @PutMapping("/api/v1/monitors/{id}")
    ResponseEntity<Map<String, Object>> save(@PathVariable String id, @RequestBody(required = false) MonitorSpec body) {
        MonitorEditing.Saved saved = editing.save(id, body, CurrentActor.get());
        return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(summary(saved.monitor(), id));
    }

    @DeleteMapping("/api/v1/monitors/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        editing.delete(id, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/maintenance-windows")
    List<Map<String, Object>> windows() {
        Instant now = clock.instant();
        return maintenance.upcoming().stream().map(w -> window(w, now)).toList();
    }

    record NewWindow(String service, String start, String end, String reason) {
    }

    @PostMapping("/api/v1/maintenance-windows")
    ResponseEntity<Map<String, Object>> createWindow(@RequestBody(required = false) NewWindow body) {
        Maintenance.Window w = editing.openWindow(body, CurrentActor.get());
        return ResponseEntity.status(HttpStatus.CREATED).body(window(w, clock.instant()));
    }

    @DeleteMapping("/api/v1/maintenance-windows/{id}")
    ResponseEntity<Void> deleteWindow(@PathVariable long id) {
        editing.closeWindow(id, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }

    private Monitor find(String id) {
        return monitors.find(id).orElseThrow(() -> new NotFoundException("monitor '" + id + "' does not exist"));
    }

    private Rollup sum(String id, Instant from, Instant to) {
        Rollup total = new Rollup();
        repository.buckets(id, from, to).forEach(b -> total.add(b.rollup()));
        engine.unflushed(id).ifPresent(total::add);
        return total;
    }

    private Map<String, Object> summary(Monitor m, String id) {
        return summary(m, repository.state(id).orElse(null), repository.pause(id).orElse(null));
    }

    private Map<String, Object> summary(Monitor m, MonitorRepository.State s, MonitorRepository.Pause pause) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", m.id());
        view.put("service", m.serviceId());
        view.put("type", m.type().wire());
        view.put("target", m.target());
        view.put("interval", Durations.format(m.interval()));
        view.put("origin", m.declaredInConfig() ? "config" : "api");
        Optional<MonitorEngine.Runtime> live = engine.runtime(m.id());
        CheckResult last = live.map(rt -> rt.last).orElse(null);
        if (pause != null) {
            view.put("level", "paused");
        } else if (!m.runnable()) {
            view.put("level", "unconfigured");
            view.put("missing_environment", m.missingVariables());
        } else if (last != null) {
            view.put("level", last.level().wire());
        } else {
            view.put("level", s == null || s.level() == null ? "pending" : s.level().wire());
        }
        view.put("level_since", pause != null ? pause.pausedAt()
                : live.map(rt -> rt.levelSince).orElse(s == null ? null : s.levelSince()));
        view.put("paused_by", pause == null ? null : pause.pausedBy());
        Object alert = live.map(rt -> (Object) rt.alertLevel).orElse(s == null ? null : s.alertLevel());
        view.put("alert", alert == null ? null : ((Level) alert).wire());
        view.put("last_checked_at", last != null ? last.at() : s == null ? null : s.lastCheckedAt());
        view.put("last_latency_ms", last != null ? Long.valueOf(last.latencyMs()) : s == null ? null : s.lastLatencyMs());
        view.put("last_reason", last != null ? last.reason() : s == null ? null : s.lastReason());
        view.put("maintenance", maintenance.active(m.serviceId(), clock.instant()).map(w -> w.reason() == null ? "" : w.reason())
                .orElse(null));
        view.put("node", s == null ? null : s.leaseOwner());
        return view;
    }

    /** The monitor as declared, without passwords or header values (which may hold tokens). */
    private static Map<String, Object> definition(Monitor m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("timeout", Durations.format(m.timeout()));
        d.put("retries", m.retries());
        d.put("recover_after", m.recoverAfter());
        d.put("severity", m.severity());
        if (m.http() != null) {
            d.put("method", m.http().method());
            d.put("headers", m.http().headers().keySet());
            d.put("expect_status", m.http().expectStatus().isEmpty() ? "2xx or 3xx" : m.http().expectStatus());
            d.put("response_time", m.http().warnAbove() == null && m.http().criticalAbove() == null ? null
                    : Map.of("warning", m.http().warnAbove() == null ? "" : Durations.format(m.http().warnAbove()),
                    "critical", m.http().criticalAbove() == null ? "" : Durations.format(m.http().criticalAbove())));
            d.put("body_contains", m.http().bodyContains());
            d.put("body_not_contains", m.http().bodyNotContains());
            if (m.http().certificateDays() != null) {
                d.put("certificate_warn_days", m.http().certificateDays().warn());
                d.put("certificate_critical_days", m.http().certificateDays().critical());
            }
            d.put("conditions", m.conditions().stream().map(c -> {
                Map<String, Object> cv = new LinkedHashMap<>();
                cv.put(c.expect() ? "expect" : "when", c.expression().text());
                if (!c.expect()) {
                    cv.put("level", c.level().wire());
                }
                if (!c.holdFor().isZero()) {
                    cv.put("for", Durations.format(c.holdFor()));
                }
                return cv;
            }).toList());
        } else {
            d.put("host", m.endpoint().host());
            d.put("port", m.endpoint().port());
            if (m.type() == Monitor.Type.TLS) {
                d.put("warn_days", m.endpoint().warnDays());
                d.put("critical_days", m.endpoint().criticalDays());
            }
            if (m.type() == Monitor.Type.POSTGRES) {
                d.put("database", m.endpoint().database());
                d.put("username", m.endpoint().username());
            }
        }
        return d;
    }

    private static Map<String, Object> bucket(Instant start, String grain, Rollup r) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("start", start.toString());
        b.put("grain", switch (grain) {
            case "m" -> "minute";
            case "h" -> "hour";
            default -> "day";
        });
        b.put("checks", r.checks);
        b.put("up", r.ups);
        b.put("warning", r.warnings);
        b.put("critical", r.criticals);
        b.put("maintenance", r.maintenances);
        b.put("uptime_percent", r.uptime() == null ? null : Math.round(r.uptime() * 100_000) / 1000.0);
        b.put("latency_avg_ms", r.averageLatency());
        b.put("latency_p95_ms", r.percentile(0.95));
        b.put("latency_max_ms", r.latencyMax);
        return b;
    }

    private static Map<String, Object> window(Maintenance.Window w, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", w.id());
        out.put("service", w.serviceId());
        out.put("start", w.startsAt().toString());
        out.put("end", w.endsAt().toString());
        out.put("reason", w.reason());
        out.put("origin", w.id() == null ? "config" : "api");
        out.put("active", !now.isBefore(w.startsAt()) && now.isBefore(w.endsAt()));
        return out;
    }
}
