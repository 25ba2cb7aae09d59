package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.tocsin.alert.AlertIntake;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the monitors this node holds the lease of, from an in-memory schedule rebuilt from the durable definitions:
 * each monitor's first check is spread over its interval by a stable jitter, later ones follow at fixed rate;
 * checks run on non-blocking I/O with at most {@code tocsin.monitors.max-concurrent} in flight. Every check is
 * judged ({@link Verdicts}) and drives the monitor's alert through the Events API path: triggered after
 * {@code retries} more failing checks, raised from warning to critical on the same alert, resolved after
 * {@code recover_after} good checks; nothing is raised or resolved during a maintenance window. Results go to
 * per-minute rollups and level changes to {@code monitor_event}; the live state is written back every few seconds.
 */
@Component
public class MonitorEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MonitorEngine.class);
    private static final int RECENT = 50;
    /** Of those, written back with the state for the other nodes: enough to see a trend, small enough to write often. */
    private static final int RECENT_WRITTEN = 10;
    static final String INTAKE = "monitor";

    /** The live standing of one monitor on this node. Guarded by its own monitor lock. */
    static final class Runtime {
        final Monitor monitor;
        final Instant[] conditionSince;
        final ArrayDeque<CheckResult> recent = new ArrayDeque<>();
        Level level;
        Instant levelSince;
        Level alertLevel;
        /** Alert steps (raise, resolve) taken, and those the intake has not answered yet: see forgetAlertsResolvedElsewhere. */
        int alertSteps;
        int alertStepsInFlight;
        int consecutiveBad;
        int consecutiveGood;
        CheckResult last;
        Instant minute;
        Rollup minuteRollup = new Rollup();
        final Map<Instant, Rollup> closedMinutes = new LinkedHashMap<>();
        boolean dirty;
        Instant nextDue;
        ScheduledFuture<?> future;

        Runtime(Monitor monitor, MonitorRepository.State stored) {
            this.monitor = monitor;
            this.conditionSince = new Instant[monitor.conditions().size()];
            if (stored != null) {
                level = stored.level();
                levelSince = stored.levelSince();
                alertLevel = stored.alertLevel();
                consecutiveBad = stored.consecutiveBad();
                consecutiveGood = stored.consecutiveGood();
                if (stored.lastCheckedAt() != null) {
                    last = new CheckResult(monitor.id(), stored.lastCheckedAt(), stored.level(),
                            stored.lastLatencyMs() == null ? 0 : stored.lastLatencyMs(), stored.lastStatus(),
                            stored.lastReason());
                }
            }
        }
    }

    private final Monitors monitors;
    private final Probes probes;
    private final MonitorRepository repository;
    private final Maintenance maintenance;
    private final AlertIntake alerts;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final Timer lateness;
    private final boolean enabled;
    private final Semaphore inFlight;
    private final Duration lease;
    private final Duration housekeeping;
    private final String owner;
    private final Map<String, Runtime> runtimes = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private ScheduledExecutorService housekeeper;
    private volatile boolean running;

    /**
     * Whether the pauses of monitors that are no longer defined were forgotten. The file's monitors change only with a
     * restart and an API monitor's pause goes with it when it is deleted, so once, at the first housekeeping, is enough:
     * not a statement naming every monitor of the file every few seconds.
     */
    private boolean pausesOfUndefinedForgotten;

    MonitorEngine(Monitors monitors, Probes probes, MonitorRepository repository, Maintenance maintenance,
                  AlertIntake alerts, TransactionTemplate tx, JsonMapper json, Clock clock, MeterRegistry meters,
                  ApplicationEventPublisher events,
                  @Value("${tocsin.monitors.enabled:true}") boolean enabled,
                  @Value("${tocsin.monitors.max-concurrent:256}") int maxConcurrent,
                  @Value("${tocsin.monitors.lease:30s}") Duration lease,
                  @Value("${tocsin.monitors.housekeeping:5s}") Duration housekeeping,
                  @Value("${tocsin.node-name:}") String nodeName) {
        this.monitors = monitors;
        this.probes = probes;
        this.repository = repository;
        this.maintenance = maintenance;
        this.alerts = alerts;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.events = events;
        this.enabled = enabled;
        this.inFlight = new Semaphore(maxConcurrent);
        this.lease = lease;
        this.housekeeping = housekeeping;
        this.owner = (nodeName.isBlank() ? "node" : nodeName) + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(System.identityHashCode(this));
        this.lateness = Timer.builder("tocsin.monitors.lateness")
                .description("How late a check started after it was due")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    // --- what the API and the command line use

    /** The monitors this node runs, with their live standing. */
    Optional<Runtime> runtime(String id) {
        return Optional.ofNullable(runtimes.get(id));
    }

    /**
     * Checks one monitor now. On the node that runs it the result counts like any scheduled check; elsewhere it is
     * only reported.
     */
    CheckResult checkNow(Monitor m) {
        Runtime rt = runtimes.get(m.id());
        if (!m.runnable()) {
            return new CheckResult(m.id(), clock.instant(), Level.CRITICAL, 0, null,
                    "not configured: " + String.join(", ", m.missingVariables()) + " not set");
        }
        Probes.Probe probe = probes.probe(m).join();
        if (rt != null && rt.monitor.spec().equals(m.spec())) {
            return record(rt, probe);
        }
        return Verdicts.judge(m, probe, new Instant[m.conditions().size()], clock.instant());
    }

    /** Checks every runnable monitor once, in parallel, alerting nobody (seed 004's {@code health-monitor -Mode once}). */
    public List<Map<String, Object>> checkAllOnce() {
        List<CompletableFuture<Map<String, Object>>> futures = new ArrayList<>();
        Set<String> paused = repository.pauses().keySet();
        for (Monitor m : monitors.all()) {
            if (!m.runnable() || paused.contains(m.id())) {
                continue;
            }
            futures.add(probes.probe(m).thenApply(p -> {
                CheckResult r = Verdicts.judge(m, p, new Instant[m.conditions().size()], clock.instant());
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("monitor", m.id());
                out.put("service", m.serviceId());
                out.put("level", r.level().wire());
                out.put("latency_ms", r.latencyMs());
                out.put("reason", r.reason());
                return out;
            }));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    // --- the schedule

    @Override
    public synchronized void start() {
        if (!enabled || running) {
            return;
        }
        running = true;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tocsin-monitors");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        scheduler = executor;
        // Leases, definitions and write-back touch the database: on their own thread, so that the thread that
        // starts checks is never held up by them.
        housekeeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-monitors-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeper.scheduleWithFixedDelay(this::housekeeping, 0, housekeeping.toMillis(), TimeUnit.MILLISECONDS);
        log.info("event=monitors.started owner={}", owner);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        housekeeper.shutdownNow();
        scheduler.shutdownNow();
        try {
            housekeeper.awaitTermination(5, TimeUnit.SECONDS);
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            write(runtimes.values(), true);
            tx.executeWithoutResult(s -> repository.release(owner));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("event=monitors.stop_flush_failed action=\"another node takes over when the lease runs out\"", e);
        }
        runtimes.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Every few seconds: renew and take leases, start and stop monitors to match what this node holds and what is
     * defined, and write back states and finished minutes.
     */
    synchronized void housekeeping() {
        try {
            Map<String, Monitor> defined = new LinkedHashMap<>();
            for (Monitor m : monitors.all()) {
                defined.put(m.id(), m);
            }
            Instant now = clock.instant();
            Map<String, MonitorRepository.Pause> paused = new LinkedHashMap<>();
            boolean forgetPauses = !pausesOfUndefinedForgotten;
            List<String> held = tx.execute(s -> {
                repository.ensureStates(defined.keySet());
                if (forgetPauses) {
                    repository.forgetPausesOfUndefined(monitors.declaredIds());
                }
                paused.putAll(repository.pauses());
                return repository.claim(owner, now, now.plus(lease));
            });
            pausesOfUndefinedForgotten = true;
            Set<String> mine = new HashSet<>(held);
            Map<String, MonitorRepository.State> stored = new LinkedHashMap<>();
            List<Runtime> stopped = new ArrayList<>();
            for (Runtime rt : List.copyOf(runtimes.values())) {
                Monitor current = defined.get(rt.monitor.id());
                if (!mine.contains(rt.monitor.id()) || current == null || !current.spec().equals(rt.monitor.spec())
                        || paused.containsKey(rt.monitor.id())) {
                    stopRunning(rt);
                    stopped.add(rt);
                    if (current == null || !current.serviceId().equals(rt.monitor.serviceId())) {
                        resolveWhatItRaised(rt);
                    }
                }
            }
            // What a stopped or replaced runtime knows (a raised alert, its counts, the minute it was counting) is
            // written before a new runtime starts from the stored state; otherwise an edit right after an alert
            // would start from "no alert" and never resolve it.
            write(stopped, true);
            forgetAlertsResolvedElsewhere();
            for (String id : mine) {
                Monitor m = defined.get(id);
                if (m == null || runtimes.containsKey(id)) {
                    continue;
                }
                if (stored.isEmpty()) {
                    repository.states().forEach(s -> stored.put(s.monitorId(), s));
                }
                MonitorRepository.Pause pause = paused.get(id);
                if (pause != null || !m.runnable()) {
                    MonitorRepository.State s = stored.get(id);
                    if (s != null && s.alertLevel() != null) {
                        resolveForNoRuntime(m, pause != null ? "monitor paused by " + pause.pausedBy()
                                : "monitor no longer configured: " + String.join(", ", m.missingVariables()) + " not set");
                    }
                    continue;
                }
                Runtime rt = new Runtime(m, stored.get(id));
                runtimes.put(id, rt);
                long jitter = Math.floorMod(id.hashCode() * 2654435761L, m.interval().toMillis());
                rt.nextDue = now.plusMillis(jitter);
                schedule(rt);
            }
            flush();
        } catch (RuntimeException e) {
            log.error("event=monitors.housekeeping_failed action=\"will retry; check the database\"", e);
        }
    }

    /**
     * A monitor deleted, or moved to another service: the alert it raised there is resolved, since nothing else would
     * resolve it (a deleted monitor's delete resolves its alert too, but this node may have raised one since that read;
     * a moved one's next runtime would send its resolve to the new service). A moved monitor's new runtime starts
     * without an alert, so a target still failing raises one on the new service.
     */
    private void resolveWhatItRaised(Runtime rt) {
        synchronized (rt) {
            if (rt.alertLevel == null) {
                return;
            }
            Monitor gone = rt.monitor;
            alerts.resolve(gone.serviceId(), INTAKE, "monitor:" + gone.id()).whenComplete((done, error) -> {
                if (error != null) {
                    log.warn("event=monitors.alert_not_resolved monitor={} service={} action=\"resolve the alert "
                            + "monitor:{} of that service by hand\"", gone.id(), gone.serviceId(), gone.id(), error);
                }
            });
            rt.alertLevel = null;
            rt.consecutiveBad = 0;
            rt.dirty = true;
        }
    }

    /**
     * The alert of a monitor that no node will run (paused, or its environment variables unset since a restart) is
     * resolved, saying why: nothing else would ever resolve it, and an incident nobody can close by fixing the target
     * is worse than one closed with the reason on its timeline. Once the intake has it, the stored state forgets the
     * alert, so that a monitor resumed or configured again starts from "no alert" and raises a new one if still failing.
     */
    private void resolveForNoRuntime(Monitor m, String reason) {
        alerts.resolve(m.serviceId(), INTAKE, "monitor:" + m.id(), reason).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("event=monitors.alert_not_resolved monitor={} service={} action=\"retried at the next "
                        + "housekeeping\"", m.id(), m.serviceId(), error);
                return;
            }
            try {
                tx.executeWithoutResult(s -> repository.forgetAlert(m.id(), owner));
            } catch (RuntimeException e) {
                log.warn("event=monitors.state_not_written monitor={} action=\"retried at the next housekeeping\"",
                        m.id(), e);
            }
        });
    }

    /**
     * A monitor paused through this node: if this node runs it, it stops now rather than at the next housekeeping, and
     * forgets its alert, which the pause resolves.
     */
    synchronized void stopPaused(String id) {
        Runtime rt = runtimes.get(id);
        if (rt == null) {
            return;
        }
        stopRunning(rt);
        synchronized (rt) {
            rt.alertLevel = null;
            rt.consecutiveBad = 0;
            rt.consecutiveGood = 0;
            rt.dirty = true;
        }
        write(List.of(rt), true);
    }

    /**
     * Somebody may have resolved an alert a monitor of this node raised: by hand, or with its incident. The monitor
     * then forgets it, as if it had never raised it, so that a target still failing raises a new alert (and so a new
     * incident that pages) after its usual retries, as a sender that keeps firing does in PagerDuty, and a recovery has
     * nothing left to resolve. The database says, so it does not matter which node the resolve came through. An alert
     * step still on its way to the intake is left for the next housekeeping: until it commits, the database cannot
     * tell a resolved alert from one not yet written.
     */
    private void forgetAlertsResolvedElsewhere() {
        Map<Runtime, Integer> raised = new LinkedHashMap<>();
        for (Runtime rt : runtimes.values()) {
            synchronized (rt) {
                if (rt.alertLevel != null && rt.alertStepsInFlight == 0) {
                    raised.put(rt, rt.alertSteps);
                }
            }
        }
        if (raised.isEmpty()) {
            return;
        }
        Set<AlertIntake.AlertKey> open = alerts.open(raised.keySet().stream().map(MonitorEngine::alertKey).toList());
        raised.forEach((rt, steps) -> {
            if (open.contains(alertKey(rt))) {
                return;
            }
            synchronized (rt) {
                if (rt.alertSteps != steps || rt.alertStepsInFlight > 0 || rt.alertLevel == null) {
                    return; // it raised or resolved since the read: that answer is newer than ours
                }
                log.info("event=monitors.alert_resolved_elsewhere monitor={} service={} level={}", rt.monitor.id(),
                        rt.monitor.serviceId(), rt.level == null ? null : rt.level.wire());
                rt.alertLevel = null;
                rt.consecutiveBad = 0;
                rt.dirty = true;
            }
        });
    }

    private static AlertIntake.AlertKey alertKey(Runtime rt) {
        return new AlertIntake.AlertKey(rt.monitor.serviceId(), "monitor:" + rt.monitor.id());
    }

    private void stopRunning(Runtime rt) {
        if (rt.future != null) {
            rt.future.cancel(false);
        }
        runtimes.remove(rt.monitor.id(), rt);
    }

    private void schedule(Runtime rt) {
        if (!running) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), rt.nextDue).toMillis());
        rt.future = scheduler.schedule(() -> run(rt), delay, TimeUnit.MILLISECONDS);
    }

    private void run(Runtime rt) {
        if (runtimes.get(rt.monitor.id()) != rt) {
            return; // stopped meanwhile
        }
        Instant due = rt.nextDue;
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        lateness.record(Duration.between(due, clock.instant()).abs());
        probes.probe(rt.monitor).whenComplete((probe, error) -> {
            inFlight.release();
            try {
                record(rt, probe != null ? probe : Probes.Probe.failed(0, Probes.reason(error, rt.monitor.timeout())));
            } catch (RuntimeException e) {
                log.error("event=monitors.record_failed monitor={}", rt.monitor.id(), e);
            }
        });
        // Fixed rate from the due time, so checks do not drift; a check slower than its interval is not doubled.
        Instant next = due.plus(rt.monitor.interval());
        Instant now = clock.instant();
        rt.nextDue = next.isBefore(now) ? now : next;
        schedule(rt);
    }

    // --- one result

    private CheckResult record(Runtime rt, Probes.Probe probe) {
        Monitor m = rt.monitor;
        Instant now = clock.instant();
        CheckResult result;
        Level previous;
        Level alertBefore;
        Action action = null;
        synchronized (rt) {
            alertBefore = rt.alertLevel;
            CheckResult judged = Verdicts.judge(m, probe, rt.conditionSince, now);
            Optional<Maintenance.Window> window = maintenance.active(m.serviceId(), now);
            result = window.isEmpty() ? judged : new CheckResult(m.id(), now, Level.MAINTENANCE, judged.latencyMs(),
                    judged.status(), "maintenance" + (window.get().reason() == null ? "" : " (" + window.get().reason() + ")")
                    + ": " + judged.reason());
            previous = rt.level;
            if (result.level() != previous) {
                rt.level = result.level();
                rt.levelSince = now;
            }
            rt.last = result;
            rt.recent.addFirst(result);
            if (rt.recent.size() > RECENT) {
                rt.recent.removeLast();
            }
            Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
            if (rt.minute != null && !minute.equals(rt.minute)) {
                rt.closedMinutes.merge(rt.minute, rt.minuteRollup, MonitorEngine::sum);
                rt.minuteRollup = new Rollup();
            }
            rt.minute = minute;
            rt.minuteRollup.add(result);
            // A runtime stopped while its probe was out (paused, moved, deleted) raises and resolves nothing more.
            if (window.isEmpty() && runtimes.get(m.id()) == rt) {
                action = decide(rt, judged.level());
            }
            if (action != null) {
                rt.alertSteps++;
                rt.alertStepsInFlight++;
            }
            rt.dirty = true;
        }
        Counter.builder("tocsin.monitors.checks").description("Monitor checks run, by the level they found")
                .tag("level", result.level().wire()).register(meters).increment();
        if (result.level() != previous) {
            tx.executeWithoutResult(s -> repository.insertEvent(result, previous));
            events.publishEvent(new MonitorLevelChanged(m.id(), m.serviceId(), result.level().wire()));
        }
        if (action != null) {
            Level raised = rt.alertLevel;
            act(m, action, result).whenComplete((done, error) -> {
                synchronized (rt) {
                    rt.alertStepsInFlight--;
                    // The intake refused it (full queue, shutting down): forget the step so the next check retries it.
                    if (error != null && rt.alertLevel == raised) {
                        rt.alertLevel = alertBefore;
                    }
                }
                if (error != null) {
                    log.warn("event=monitors.alert_not_accepted monitor={} action=\"retried at the next check\"", m.id());
                    return;
                }
                // The alert's step is committed; that this monitor raised it must be too, now rather than at the next
                // write-back: a node that died in between would leave its successor not knowing the alert it must
                // resolve on recovery.
                try {
                    write(List.of(rt), false);
                } catch (RuntimeException e) {
                    log.warn("event=monitors.state_not_written monitor={} action=\"written at the next write-back\"",
                            m.id(), e);
                }
            });
        }
        return result;
    }

    private enum Action { RAISE_WARNING, RAISE_CRITICAL, RESOLVE }

    /** The alert's next step after a check, by retries and recover_after; called under the runtime's lock. */
    private static Action decide(Runtime rt, Level level) {
        Monitor m = rt.monitor;
        if (level == Level.WARNING || level == Level.CRITICAL) {
            rt.consecutiveBad++;
            rt.consecutiveGood = 0;
            if (rt.consecutiveBad > m.retries() && (rt.alertLevel == null || level.ordinal() > rt.alertLevel.ordinal())) {
                rt.alertLevel = level;
                return level == Level.CRITICAL ? Action.RAISE_CRITICAL : Action.RAISE_WARNING;
            }
            return null;
        }
        rt.consecutiveGood++;
        rt.consecutiveBad = 0;
        if (rt.alertLevel != null && rt.consecutiveGood >= m.recoverAfter()) {
            rt.alertLevel = null;
            return Action.RESOLVE;
        }
        return null;
    }

    private CompletableFuture<?> act(Monitor m, Action action, CheckResult r) {
        String dedup = "monitor:" + m.id();
        if (action == Action.RESOLVE) {
            return alerts.resolve(m.serviceId(), INTAKE, dedup);
        }
        String severity = action == Action.RAISE_CRITICAL ? m.severity() : "warning";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("monitor", m.id());
        details.put("type", m.type().wire());
        details.put("target", m.target());
        details.put("level", r.level().wire());
        details.put("reason", r.reason());
        details.put("latency_ms", r.latencyMs());
        details.put("http_status", r.status());
        return alerts.trigger(m.serviceId(), INTAKE, dedup, m.id() + ": " + r.reason(), m.target(), severity,
                Map.of("monitor", m.id(), "monitor_type", m.type().wire()), json.writeValueAsString(details));
    }

    /** Two counts of one minute as one (the first, added to). */
    private static Rollup sum(Rollup a, Rollup b) {
        a.add(b);
        return a;
    }

    /** Writes back changed states and finished minutes of the monitors this node runs. */
    void flush() {
        write(runtimes.values(), false);
    }

    /**
     * Writes back the changed states and finished minutes of {@code from}; with {@code closing}, the minute each is
     * counting too, since those runtimes count no more (a bucket adds up, so a successor may go on counting it).
     */
    private void write(Collection<Runtime> from, boolean closing) {
        List<MonitorRepository.State> states = new ArrayList<>();
        Map<String, Map<Instant, Rollup>> minutes = new LinkedHashMap<>();
        Instant currentMinute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        for (Runtime rt : from) {
            synchronized (rt) {
                if (rt.minute != null && (closing || rt.minute.isBefore(currentMinute)) && rt.minuteRollup.checks > 0) {
                    rt.closedMinutes.merge(rt.minute, rt.minuteRollup, MonitorEngine::sum);
                    rt.minuteRollup = new Rollup();
                    rt.minute = null;
                }
                if (!rt.closedMinutes.isEmpty()) {
                    minutes.put(rt.monitor.id(), new LinkedHashMap<>(rt.closedMinutes));
                    rt.closedMinutes.clear();
                }
                if (rt.dirty) {
                    CheckResult l = rt.last;
                    states.add(new MonitorRepository.State(rt.monitor.id(), rt.level, rt.levelSince, rt.alertLevel,
                            rt.consecutiveBad, rt.consecutiveGood, l == null ? null : l.at(),
                            l == null ? null : l.latencyMs(), l == null ? null : l.status(), l == null ? null : l.reason(),
                            owner, null, json.writeValueAsString(rt.recent.stream().limit(RECENT_WRITTEN)
                                    .map(CheckResult::toJson).toList())));
                    rt.dirty = false;
                }
            }
        }
        if (states.isEmpty() && minutes.isEmpty()) {
            return;
        }
        try {
            tx.executeWithoutResult(s -> {
                states.forEach(state -> repository.saveState(state, owner));
                minutes.forEach((id, byMinute) -> byMinute.forEach((start, r) -> repository.addToBucket(id, "m", start, r)));
            });
        } catch (RuntimeException e) {
            // Nothing was written: what was taken out for writing goes back, for the next write-back to try again,
            // rather than being lost with a database blip.
            for (Runtime rt : from) {
                synchronized (rt) {
                    minutes.getOrDefault(rt.monitor.id(), Map.of()).forEach((start, r) ->
                            rt.closedMinutes.merge(start, r, MonitorEngine::sum));
                    if (states.stream().anyMatch(st -> st.monitorId().equals(rt.monitor.id()))) {
                        rt.dirty = true;
                    }
                }
            }
            throw e;
        }
    }

    /** The minute being counted now for a monitor run here (not yet in the database), for live figures. */
    Optional<Rollup> unflushed(String id) {
        Runtime rt = runtimes.get(id);
        if (rt == null) {
            return Optional.empty();
        }
        synchronized (rt) {
            Rollup r = new Rollup();
            r.add(rt.minuteRollup);
            rt.closedMinutes.values().forEach(r::add);
            return Optional.of(r);
        }
    }

    List<CheckResult> recent(String id) {
        Runtime rt = runtimes.get(id);
        if (rt == null) {
            return List.of();
        }
        synchronized (rt) {
            return List.copyOf(rt.recent);
        }
    }
}
