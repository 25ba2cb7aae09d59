package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.alert.AlertIntake;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Monitors and maintenance windows changed through the API, each change on the timeline. Monitors of the file are
 * edited in the file, so the API refuses to touch them. Engines pick changes up at their next housekeeping.
 */
@Service
class MonitorEditing {

    private final Monitors monitors;
    private final MonitorRepository repository;
    private final Maintenance maintenance;
    private final TocsinConfig config;
    private final Timeline timeline;
    private final AlertIntake alerts;
    private final MonitorEngine engine;
    private final Clock clock;

    MonitorEditing(Monitors monitors, MonitorRepository repository, Maintenance maintenance, TocsinConfig config,
                   Timeline timeline, AlertIntake alerts, MonitorEngine engine, Clock clock) {
        this.engine = engine;
        this.monitors = monitors;
        this.repository = repository;
        this.maintenance = maintenance;
        this.config = config;
        this.timeline = timeline;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * What a save stored: the monitor as this request defined it, not read back afterwards, since another node may
     * replace or delete it the moment this transaction commits.
     */
    record Saved(boolean created, Monitor monitor) {
    }

    /** Creates or replaces monitor {@code id}. */
    @Transactional
    Saved save(String id, MonitorSpec body, Actor actor) {
        if (body == null) {
            throw new InvalidInputException("body", "required: a monitor with service and type");
        }
        if (body.id() != null && !body.id().equals(id)) {
            throw new InvalidInputException("id", "'" + body.id() + "' differs from the id in the URL, '" + id + "'");
        }
        MonitorSpec spec = new MonitorSpec(id, body.service(), body.type(), body.interval(), body.timeout(),
                body.retries(), body.severity(), body.recoverAfter(), body.url(), body.method(), body.headers(),
                body.body(), body.expectStatus(), body.responseTime(), body.bodyContains(), body.bodyNotContains(),
                body.conditions(), body.certificateWarnDays(), body.certificateCriticalDays(), body.host(), body.port(), body.username(), body.password(), body.database(),
                body.warnDays(), body.criticalDays(), body.caPem(), List.of());
        Monitor m = monitors.validate(spec);
        if (monitors.declaredInConfig(id)) {
            throw new ConflictException("monitor '" + id + "' is declared in the configuration file; change it there");
        }
        timeline.lock();
        boolean created = repository.saveDefinition(id, monitors.toJson(spec), clock.instant());
        repository.ensureStates(List.of(id));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("monitor", id);
        data.put("type", m.type().wire());
        data.put("target", m.target());
        timeline.append(new NewEvent(created ? "monitor.created" : "monitor.replaced", actor, null, null, m.serviceId(), data));
        return new Saved(created, m);
    }

    /** Deletes an API monitor; its open alert, if any, resolves, since nothing will ever resolve it otherwise. */
    @Transactional
    void delete(String id, Actor actor) {
        if (monitors.declaredInConfig(id)) {
            throw new ConflictException("monitor '" + id + "' is declared in the configuration file; remove it there");
        }
        Monitor m = monitors.find(id).orElseThrow(() -> new NotFoundException("monitor '" + id + "' does not exist"));
        timeline.lock();
        repository.deleteDefinition(id);
        timeline.append(new NewEvent("monitor.deleted", actor, null, null, m.serviceId(), Map.of("monitor", id)));
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                alerts.resolve(m.serviceId(), MonitorEngine.INTAKE, "monitor:" + id);
            }
        });
    }

    /**
     * Pauses a monitor, of the file or the API: no node runs it until it is resumed, and its open alert resolves (the
     * timeline says who paused it), since nothing would resolve it otherwise. Pausing a paused monitor changes nothing.
     */
    @Transactional
    Monitor pause(String id, Actor actor) {
        Monitor m = monitors.find(id).orElseThrow(() -> new NotFoundException("monitor '" + id + "' does not exist"));
        timeline.lock();
        if (repository.pause(id).isPresent()) {
            return m;
        }
        repository.insertPause(id, clock.instant(), actor.value());
        timeline.append(new NewEvent("monitor.paused", actor, null, null, m.serviceId(), Map.of("monitor", id)));
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                // Stopped here first, so that no check of this node raises the alert again after the resolve; a node
                // that runs it elsewhere stops it at its next housekeeping and resolves anything raised meanwhile.
                try {
                    engine.stopPaused(id);
                } finally {
                    alerts.resolve(m.serviceId(), MonitorEngine.INTAKE, "monitor:" + id, "monitor paused by " + actor.value());
                }
            }
        });
        return m;
    }

    /** Resumes a paused monitor: the node that holds it starts it at its next housekeeping. Resuming twice changes nothing. */
    @Transactional
    Monitor resume(String id, Actor actor) {
        Monitor m = monitors.find(id).orElseThrow(() -> new NotFoundException("monitor '" + id + "' does not exist"));
        timeline.lock();
        if (repository.deletePause(id, clock.instant())) {
            timeline.append(new NewEvent("monitor.resumed", actor, null, null, m.serviceId(), Map.of("monitor", id)));
        }
        return m;
    }

    @Transactional
    Maintenance.Window openWindow(MonitorController.NewWindow body, Actor actor) {
        if (body == null) {
            throw new InvalidInputException("body", "required: service, start, end and optionally reason");
        }
        return openWindows(body.service() == null ? List.of() : List.of(body.service()), body.start(), body.end(),
                body.reason(), false, actor).get(0);
    }

    /**
     * One window per service, all or none, checked as the API checks one; {@code requireReason} for forms that ask
     * for a title (the status page shows it).
     */
    @Transactional
    List<Maintenance.Window> openWindows(List<String> services, String startText, String endText, String reason,
                                         boolean requireReason, Actor actor) {
        FieldErrors errors = new FieldErrors();
        if (services.isEmpty()) {
            errors.add("service", "required");
        }
        for (String service : services) {
            if (service == null || config.service(service).isEmpty()) {
                errors.add("service", service == null ? "required" : "unknown service '" + service + "'");
            }
        }
        Instant start = instant(errors, "start", startText);
        Instant end = instant(errors, "end", endText);
        if (start != null && end != null && !end.isAfter(start)) {
            errors.add("end", "must be after start");
        }
        if (end != null && !end.isAfter(clock.instant())) {
            errors.add("end", "must be in the future");
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (requireReason && why == null) {
            errors.add("reason", "required: what the maintenance is for");
        }
        String problem = FieldErrors.textProblem(why, 500);
        if (problem != null) {
            errors.add("reason", problem);
        }
        errors.throwIfAny();
        timeline.lock();
        List<Maintenance.Window> out = new java.util.ArrayList<>();
        for (String service : new java.util.LinkedHashSet<>(services)) {
            long id = repository.insertWindow(service, start, end, why, actor.value(), clock.instant());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("window", id);
            data.put("start", start.toString());
            data.put("end", end.toString());
            data.put("reason", why);
            timeline.append(new NewEvent("maintenance.scheduled", actor, null, null, service, data));
            out.add(new Maintenance.Window(id, service, start, end, why, actor.value()));
        }
        maintenance.changed();
        return out;
    }

    @Transactional
    void closeWindow(long id, Actor actor) {
        timeline.lock();
        if (!repository.deleteWindow(id)) {
            throw new NotFoundException("maintenance window " + id + " does not exist (windows of the file are edited there)");
        }
        timeline.append(new NewEvent("maintenance.cancelled", actor, null, null, null, Map.of("window", id)));
        maintenance.changed();
    }

    private static Instant instant(FieldErrors errors, String field, String text) {
        if (text == null) {
            errors.add(field, "required: an instant such as 2026-03-10T22:00:00Z");
            return null;
        }
        try {
            Instant at = Instant.parse(text);
            String outOfRange = SqlTime.rangeProblem(at, text);
            if (outOfRange != null) {
                errors.add(field, outOfRange);
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(field, "expected an instant such as 2026-03-10T22:00:00Z, got '" + text + "'");
            return null;
        }
    }
}
