package dev.tocsin.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.alert.AlertRepository.OpenAlert;
import dev.tocsin.config.Durations;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.incident.IncidentEvent;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.jdbc.DeferredWrites;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Applies intake events: deduplication, routing, opening and closing incidents. A batch is one transaction,
 * so the pipeline commits many events with one disk write (group commit).
 */
@Service
class AlertService {

    private final AlertRepository alerts;
    private final ChangeEventRepository changes;
    private final HeartbeatRepository heartbeats;
    private final IncidentService incidents;
    private final Router router;
    private final Timeline timeline;
    private final List<Silences> silences;
    private final DeferredWrites deferred;
    private final JsonMapper json;
    private final Clock clock;

    AlertService(AlertRepository alerts, ChangeEventRepository changes, HeartbeatRepository heartbeats,
                 IncidentService incidents, Router router, Timeline timeline, List<Silences> silences,
                 DeferredWrites deferred, JsonMapper json, Clock clock) {
        this.alerts = alerts;
        this.changes = changes;
        this.heartbeats = heartbeats;
        this.incidents = incidents;
        this.router = router;
        this.timeline = timeline;
        this.silences = List.copyOf(silences);
        this.deferred = deferred;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Applies a batch of events in one transaction. {@code applied} runs once every event is applied and written,
     * when only the commit is left: the intake uses it to let its next writer start, which then waits for the
     * timeline lock this transaction holds until its commit. Whatever fails before that fails before the next
     * batch can be applied.
     */
    @Transactional
    public List<IngestResult> applyAll(List<Intake> batch, Runnable applied) {
        timeline.lock();
        OpenAlertBook book = OpenAlertBook.of(alerts, incidents, batch);
        List<IngestResult> results = new ArrayList<>(batch.size());
        for (Intake intake : batch) {
            results.add(apply(intake, book));
        }
        deferred.flush();
        timeline.flush();
        applied.run();
        return results;
    }

    private IngestResult apply(Intake intake, OpenAlertBook book) {
        if (intake instanceof Intake.AlertEvent e) {
            return switch (e.action()) {
                case TRIGGER -> trigger(e, book);
                case ACKNOWLEDGE -> acknowledge(e, book);
                case RESOLVE -> resolve(e, book);
            };
        }
        if (intake instanceof Intake.ChangeEvent c) {
            return recordChange(c);
        }
        return ping((Intake.HeartbeatPing) intake, book);
    }

    private IngestResult trigger(Intake.AlertEvent e, OpenAlertBook book) {
        Instant now = clock.instant();
        Actor actor = Actor.integration(e.serviceId(), e.intake());
        Optional<OpenAlert> open = book.find(e.serviceId(), e.dedupKey());
        Router.Route route = router.route(e);
        if (open.isPresent()) {
            OpenAlert alert = open.get();
            String severity = moreUrgentEventSeverity(alert.severity(), e.severity());
            alerts.recordRepeat(alert.id(), severity, e.summary(), now);
            // An alert that opened no incident (a maintenance window silenced it, or a routing rule suppressed it)
            // opens one at its first repeat that nothing holds back any more: a problem that began during a window
            // and outlasts it must page once the window is over, as a first trigger after the window would.
            Long incidentId = alert.incidentId();
            Long groupIncident = null;
            boolean opened = false;
            if (incidentId == null && !route.suppressed() && silenced(route.serviceId(), now) == null) {
                Intake.IncidentGroup group = router.group(route, e);
                groupIncident = group == null ? null : book.openIncidentOfGroup(route.serviceId(), group);
                incidentId = groupIncident != null ? groupIncident : openIncident(e, group, route, actor, book);
                alerts.attachIncident(alert.id(), incidentId);
                book.alertOpened(incidentId);
                opened = true;
            }
            book.put(e.serviceId(), e.dedupKey(),
                    new OpenAlert(alert.id(), incidentId, alert.status(), severity, alert.eventCount() + 1));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("dedup_key", e.dedupKey());
            data.put("summary", e.summary());
            data.put("severity", e.severity());
            data.put("count", alert.eventCount() + 1);
            putTimestamp(data, e.timestamp());
            if (route.rule() != null && opened) {
                data.put("routing_rule", route.rule());
            }
            if (groupIncident != null) {
                data.put("joined_group_incident", true);
            }
            timeline.append(new NewEvent("alert.repeated", actor, incidentId, alert.id(), e.serviceId(), data));
            // Most repeats change nothing about the incident: only look when this one is more urgent than the
            // alert so far, or a routing rule (which may read the new summary) chose the severity.
            boolean mayRaise = !severity.equals(alert.severity()) || route.rule() != null;
            if (groupIncident != null) {
                // Joined a group's incident just now, as a new alert of the group does: it may be more urgent.
                incidents.raiseSeverityFromAlert(groupIncident, route.severity(), alert.id(), actor);
            } else if (!opened && incidentId != null && !route.suppressed() && mayRaise) {
                incidents.raiseSeverityFromAlert(incidentId, route.severity(), alert.id(), actor);
            }
            return new IngestResult(e.dedupKey(), IngestResult.Outcome.REPEATED, alert.id(), incidentId);
        }
        String silenced = route.suppressed() ? null : silenced(route.serviceId(), now);
        if (silenced != null) {
            route = new Router.Route(route.serviceId(), route.severity(), true, route.rule());
        }
        // The incident is opened (or the group's joined) first so that the alert row and its timeline entry can name it.
        Intake.IncidentGroup group = route.suppressed() ? null : router.group(route, e);
        Long groupIncident = group == null ? null : book.openIncidentOfGroup(route.serviceId(), group);
        Long incidentId = route.suppressed() ? null
                : groupIncident != null ? groupIncident : openIncident(e, group, route, actor, book);
        long alertId = alerts.insert(e, incidentId, now);
        book.put(e.serviceId(), e.dedupKey(), new OpenAlert(alertId, incidentId, Alert.TRIGGERED, e.severity(), 1));
        book.alertOpened(incidentId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dedup_key", e.dedupKey());
        data.put("summary", e.summary());
        data.put("severity", e.severity());
        data.put("source", e.source());
        putTimestamp(data, e.timestamp());
        if (route.rule() != null) {
            data.put("routing_rule", route.rule());
        }
        if (route.suppressed()) {
            data.put("suppressed", true);
        }
        if (silenced != null) {
            data.put("silenced", silenced);
        }
        if (groupIncident != null) {
            data.put("joined_group_incident", true);
        }
        timeline.append(new NewEvent("alert.triggered", actor, incidentId, alertId, e.serviceId(), data));
        if (groupIncident != null) {
            // A later alert of the group may be more urgent than the incident so far; it never makes it less so.
            incidents.raiseSeverityFromAlert(groupIncident, route.severity(), alertId, actor);
        }
        return new IngestResult(e.dedupKey(), IngestResult.Outcome.CREATED, alertId, incidentId);
    }

    /**
     * Opens the new alert's incident; an alert that came in a group opens the group's, which its later alerts join,
     * titled by what the group has in common when the sender said.
     */
    private long openIncident(Intake.AlertEvent e, Intake.IncidentGroup group, Router.Route route, Actor actor,
                              OpenAlertBook book) {
        if (group == null) {
            return incidents.openFromAlert(route.serviceId(), e.summary(), route.severity(), e.dedupKey(), null, actor);
        }
        String title = group.title() != null ? group.title() : e.summary();
        long id = incidents.openFromAlert(route.serviceId(), title, route.severity(), e.dedupKey(), group.key(), actor);
        book.groupOpened(route.serviceId(), group.key(), id);
        return id;
    }

    private String silenced(String serviceId, Instant at) {
        for (Silences s : silences) {
            Optional<String> reason = s.silenced(serviceId, at);
            if (reason.isPresent()) {
                return reason.get();
            }
        }
        return null;
    }

    private IngestResult acknowledge(Intake.AlertEvent e, OpenAlertBook book) {
        Optional<OpenAlert> open = book.find(e.serviceId(), e.dedupKey());
        if (open.isEmpty() || !Alert.TRIGGERED.equals(open.get().status())) {
            Long alertId = open.map(OpenAlert::id).orElse(null);
            return new IngestResult(e.dedupKey(), IngestResult.Outcome.UNCHANGED, alertId, null);
        }
        OpenAlert alert = open.get();
        Actor actor = Actor.integration(e.serviceId(), e.intake());
        alerts.acknowledge(alert.id(), clock.instant());
        book.put(e.serviceId(), e.dedupKey(), new OpenAlert(alert.id(), alert.incidentId(), Alert.ACKNOWLEDGED,
                alert.severity(), alert.eventCount()));
        timeline.append(new NewEvent("alert.acknowledged", actor, alert.incidentId(), alert.id(), e.serviceId(),
                Map.of("dedup_key", e.dedupKey())));
        if (alert.incidentId() != null) {
            incidents.acknowledgeFromAlert(alert.incidentId(), alert.id(), actor);
        }
        return new IngestResult(e.dedupKey(), IngestResult.Outcome.ACKNOWLEDGED, alert.id(), alert.incidentId());
    }

    private IngestResult resolve(Intake.AlertEvent e, OpenAlertBook book) {
        Optional<OpenAlert> open = book.find(e.serviceId(), e.dedupKey());
        if (open.isEmpty()) {
            return new IngestResult(e.dedupKey(), IngestResult.Outcome.UNCHANGED, null, null);
        }
        OpenAlert alert = open.get();
        Actor actor = Actor.integration(e.serviceId(), e.intake());
        alerts.resolve(alert.id(), clock.instant());
        book.resolved(e.serviceId(), e.dedupKey());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dedup_key", e.dedupKey());
        data.put("count", alert.eventCount());
        if (e.reason() != null) {
            data.put("reason", e.reason());
        }
        timeline.append(new NewEvent("alert.resolved", actor, alert.incidentId(), alert.id(), e.serviceId(), data));
        if (alert.incidentId() != null && book.openAlertsAfterResolving(alert.incidentId()) == 0) {
            incidents.resolveFromAlert(alert.incidentId(), alert.id(), actor);
            book.incidentResolved(alert.incidentId());
        }
        return new IngestResult(e.dedupKey(), IngestResult.Outcome.RESOLVED, alert.id(), alert.incidentId());
    }

    /**
     * An incident resolved by a person resolves its alerts still open, as PagerDuty's does: a sender still firing then
     * opens a new alert, and with it a new incident that pages, instead of folding its repeats into an alert whose
     * incident nobody is watching. Runs in the resolving transaction, under its timeline lock.
     */
    @EventListener
    void incidentResolvedByHand(IncidentEvent.ResolvedByHand e) {
        Instant now = clock.instant();
        for (Alert a : alerts.openOfIncident(e.incidentId())) {
            alerts.resolve(a.id(), now);
            timeline.append(new NewEvent("alert.resolved", e.actor(), e.incidentId(), a.id(), a.serviceId(),
                    Map.of("dedup_key", a.dedupKey(), "count", a.eventCount(), "with_incident", true)));
        }
    }

    private IngestResult recordChange(Intake.ChangeEvent c) {
        long id = changes.insert(c, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("change_id", id);
        data.put("summary", c.summary());
        data.put("source", c.source());
        putTimestamp(data, c.occurredAt());
        timeline.append(new NewEvent("change.recorded", Actor.integration(c.serviceId(), "change"), null, null,
                c.serviceId(), data));
        return new IngestResult(null, IngestResult.Outcome.RECORDED, null, null);
    }

    private IngestResult ping(Intake.HeartbeatPing p, OpenAlertBook book) {
        Instant now = clock.instant();
        HeartbeatRepository.Heartbeat beat = heartbeats.find(p.serviceId(), p.name()).orElseThrow(
                () -> new IllegalStateException("heartbeat " + p.serviceId() + "/" + p.name() + " is not declared"));
        if (p.failed()) {
            return heartbeatFailed(beat, p.log(), book);
        }
        heartbeats.recordPing(p.serviceId(), p.name(), now,
                now.plusSeconds(beat.intervalSeconds() + beat.graceSeconds()));
        if (!"down".equals(beat.state())) {
            return new IngestResult(dedupKey(p.name()), IngestResult.Outcome.RECORDED, null, null);
        }
        timeline.append(new NewEvent("heartbeat.recovered", Actor.integration(p.serviceId(), "heartbeat"), null, null,
                p.serviceId(), Map.of("heartbeat", p.name())));
        return resolve(heartbeatEvent(Intake.Action.RESOLVE, p.serviceId(), p.name(), beat.severity(), null, null), book);
    }

    /** Called by the heartbeat processor, inside its transaction, for each overdue heartbeat it claimed. */
    /**
     * A heartbeat's deadline passed without a ping: its alert triggers, and again after each further interval and
     * grace without one (a repeat of the open alert, or a new alert if someone resolved it while the job stayed
     * silent), so a miss that a maintenance window silenced pages once the window is over.
     */
    IngestResult heartbeatMissed(HeartbeatRepository.Heartbeat beat, Instant now) {
        heartbeats.markDown(beat.serviceId(), beat.name(), nextReminder(beat, now));
        Instant since = beat.lastPingAt();
        String summary = since == null
                ? "Heartbeat '" + beat.name() + "' has never pinged (expected every "
                + Durations.format(Duration.ofSeconds(beat.intervalSeconds())) + ")"
                : "Heartbeat '" + beat.name() + "' missed: no ping since " + since + " ("
                + Durations.format(Duration.between(since, now).withNanos(0)) + " ago)";
        timeline.append(new NewEvent("heartbeat.missed", Actor.system("heartbeats"), null, null, beat.serviceId(),
                Map.of("heartbeat", beat.name(), "due_at", beat.dueAt().toString())));
        return trigger(heartbeatEvent(Intake.Action.TRIGGER, beat.serviceId(), beat.name(), beat.severity(), summary, null),
                OpenAlertBook.lazy(alerts, incidents));
    }

    /**
     * The job reported that it failed: the heartbeat is down at once, without waiting for its grace, under the same
     * alert a missed ping raises (so a miss and a failure are one alert), and its next successful ping resolves it.
     */
    private IngestResult heartbeatFailed(HeartbeatRepository.Heartbeat beat, String log, OpenAlertBook book) {
        heartbeats.markDown(beat.serviceId(), beat.name(), nextReminder(beat, clock.instant()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("heartbeat", beat.name());
        if (log != null) {
            data.put("log", log);
        }
        timeline.append(new NewEvent("heartbeat.failed", Actor.integration(beat.serviceId(), "heartbeat"), null, null,
                beat.serviceId(), data));
        Intake.AlertEvent failure = heartbeatEvent(Intake.Action.TRIGGER, beat.serviceId(), beat.name(), beat.severity(),
                "Heartbeat '" + beat.name() + "' reported a failure", log == null ? null : json.writeValueAsString(Map.of("log", log)));
        return trigger(failure, book);
    }

    private static Instant nextReminder(HeartbeatRepository.Heartbeat beat, Instant now) {
        return now.plusSeconds(beat.intervalSeconds() + beat.graceSeconds());
    }

    private static Intake.AlertEvent heartbeatEvent(Intake.Action action, String serviceId, String name, String severity,
                                                    String summary, String customDetails) {
        return new Intake.AlertEvent(action, serviceId, "heartbeat", dedupKey(name), summary, "heartbeat/" + name,
                severity, null, null, null, "heartbeat", Map.of("heartbeat", name), customDetails, null, null, null);
    }

    static String dedupKey(String heartbeatName) {
        return "heartbeat:" + heartbeatName;
    }

    private static String moreUrgentEventSeverity(String current, String incoming) {
        List<String> order = SeverityScale.EVENT_SEVERITIES;
        return order.indexOf(incoming) < order.indexOf(current) ? incoming : current;
    }

    private static void putTimestamp(Map<String, Object> data, Instant timestamp) {
        if (timestamp != null) {
            data.put("timestamp", timestamp.toString());
        }
    }

}
