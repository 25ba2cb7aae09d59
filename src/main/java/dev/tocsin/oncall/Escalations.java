package dev.tocsin.oncall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentEvent;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs each incident through its service's escalation policy: page the first level when the incident opens, the next
 * level whenever a level's delay passes without an acknowledgement, the whole policy again {@code repeat} times.
 * Acknowledging stops it, resolving voids it, un-acknowledging or re-opening starts it over.
 *
 * <p>Every change happens in the transaction of its cause: the incident use case (through {@link IncidentEvent}s)
 * or the timer that came due. Timers are named after the generation and step they were set for, and a timer that
 * finds the escalation elsewhere does nothing: that is what makes "exactly one page per step" hold when a timer
 * fires twice or two nodes race.
 */
@Component
public class Escalations implements TimerHandler {

    static final String NAME = "escalate";
    private static final Actor ACTOR = Actor.system("escalation");

    private final EscalationRepository repository;
    private final Paging paging;
    private final Schedules schedules;
    private final TocsinConfig config;
    private final IncidentService incidents;
    private final Timeline timeline;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final MeterRegistry meters;
    private final Clock clock;

    Escalations(EscalationRepository repository, Paging paging, Schedules schedules, TocsinConfig config,
                IncidentService incidents, Timeline timeline, @Lazy Timers timers, TransactionTemplate tx,
                MeterRegistry meters, Clock clock) {
        this.repository = repository;
        this.paging = paging;
        this.schedules = schedules;
        this.config = config;
        this.incidents = incidents;
        this.timeline = timeline;
        this.timers = timers;
        this.tx = tx;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @EventListener
    void opened(IncidentEvent.Opened e) {
        Optional<TocsinConfig.EscalationPolicy> policy = config.service(e.serviceId())
                .map(TocsinConfig.Service::escalationPolicy).flatMap(config::escalationPolicy);
        if (policy.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        repository.insert(e.incidentId(), policy.get().id(), now);
        firstStep(EscalationRepository.Escalation.fresh(e.incidentId(), policy.get().id(), 1), policy.get(),
                incidents.get(e.incidentId()), "incident opened", now);
    }

    @EventListener
    void statusChanged(IncidentEvent.StatusChanged e) {
        Optional<EscalationRepository.Escalation> found = repository.find(e.incidentId());
        if (found.isEmpty()) {
            return;
        }
        EscalationRepository.Escalation current = found.get();
        Instant now = clock.instant();
        if (e.to() == IncidentStatus.TRIGGERED) {
            // Un-acknowledged or re-opened: the policy starts over in a new generation; older timers become void.
            Optional<TocsinConfig.EscalationPolicy> policy = config.escalationPolicy(current.policyId());
            if (policy.isEmpty()) {
                return;
            }
            EscalationRepository.Escalation restarted = EscalationRepository.Escalation.fresh(current.incidentId(),
                    current.policyId(), current.generation() + 1);
            firstStep(restarted, policy.get(), incidents.get(e.incidentId()),
                    e.from() == IncidentStatus.RESOLVED ? "incident re-opened" : "incident un-acknowledged", now);
        } else {
            boolean resolved = e.to() == IncidentStatus.RESOLVED;
            // Exhausted still counts as waiting: delayed notification rules of its pages are still running.
            boolean waiting = current.state() == EscalationState.ACTIVE || current.state() == EscalationState.EXHAUSTED;
            if (!waiting && !resolved) {
                return;
            }
            if (waiting) {
                cancelPending(current);
            }
            if (current.state() == EscalationState.ACTIVE) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("policy", current.policyId());
                data.put("by", e.actor().value());
                data.put("pending_level", current.nextLevel() == null ? null : current.nextLevel() + 1);
                timeline.append(new NewEvent(resolved ? "escalation.cancelled" : "escalation.stopped", ACTOR,
                        current.incidentId(), null, e.serviceId(), data));
            }
            // The next step is called off: a repeat that was due but never paged is no longer one of the rounds.
            repository.update(new EscalationRepository.Escalation(current.incidentId(), current.policyId(),
                    resolved ? EscalationState.RESOLVED : EscalationState.ACKNOWLEDGED, current.generation(),
                    current.step(), current.lastLevel(), null, current.repeatsPaged(), null), now);
        }
    }

    /**
     * A more urgent severity may start the policy at more levels (seed 004: a P0 pages the whole chain at once). While
     * nobody has acknowledged, the levels the new severity starts with that this escalation has not paged yet are
     * paged now. If that takes the escalation past where it stood, it continues from there; otherwise its next step
     * stays as it was. Lowering the severity pages nobody and changes nothing that is pending.
     */
    @EventListener
    void severityChanged(IncidentEvent.SeverityChanged e) {
        if (config.severities().rank(e.to()) >= config.severities().rank(e.from())) {
            return;
        }
        EscalationRepository.Escalation current = repository.find(e.incidentId()).orElse(null);
        if (current == null || (current.state() != EscalationState.ACTIVE && current.state() != EscalationState.EXHAUSTED)) {
            return;
        }
        TocsinConfig.EscalationPolicy policy = config.escalationPolicy(current.policyId()).orElse(null);
        if (policy == null) {
            return;
        }
        Set<Integer> paged = repository.pages(e.incidentId()).stream()
                .filter(p -> p.generation() == current.generation()).map(p -> p.level() - 1).collect(Collectors.toSet());
        TocsinConfig.SeverityStart start = policy.startFor(e.to());
        List<Integer> missing = new ArrayList<>();
        for (int level = start.startLevel() - 1; level < start.throughLevel(); level++) {
            if (!paged.contains(level)) {
                missing.add(level);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Incident incident = incidents.get(e.incidentId());
        String reason = "after the severity was raised from " + e.from() + " to " + e.to();
        timers.cancel(NAME, timerInstance(current.incidentId(), current.generation(), current.step() + 1));
        if (current.lastLevel() == null || missing.get(missing.size() - 1) > current.lastLevel()) {
            takeSteps(current, policy, incident, missing, reason, now);
            return;
        }
        int step = current.step() + 1;
        Set<String> pagedInStep = new HashSet<>();
        for (int level : missing) {
            pageLevel(current, step, policy, level, incident, reason, now, pagedInStep);
        }
        EscalationRepository.Escalation moved = new EscalationRepository.Escalation(current.incidentId(),
                current.policyId(), current.state(), current.generation(), step, current.lastLevel(), current.nextLevel(),
                current.loopsDone(), current.nextAt());
        repository.update(moved, now);
        if (moved.nextAt() != null) {
            timers.set(NAME, timerInstance(moved.incidentId(), moved.generation(), step + 1), moved.nextAt());
        }
    }

    /**
     * The level paged last, when {@link #escalateNow} has someone to page (the escalation waits for its next level):
     * what a page offering to escalate shows, and sends back as the level it escalates from.
     */
    public Optional<Integer> levelToEscalateFrom(long incidentId) {
        return repository.find(incidentId)
                .filter(e -> e.state() == EscalationState.ACTIVE && e.nextLevel() != null && e.lastLevel() != null)
                .map(e -> e.lastLevel() + 1);
    }

    /**
     * A responder asks for the next level now instead of after the delay (GoAlert's "escalate", PagerDuty's "escalate
     * to the next level"): the step the timer would take is taken at once, and the policy goes on from there.
     *
     * <p>{@code fromLevel} (1-based, or null) is the level the responder saw as paged last. Two people pressing at once,
     * or a client retrying, would otherwise each take a step: with it, only the first does, and the others are told
     * where the escalation stands now.
     *
     * @throws ConflictException nothing to escalate: no policy, acknowledged or resolved, every level paged, or the
     *                           escalation no longer at {@code fromLevel} (with {@code current_level})
     */
    public void escalateNow(long incidentId, Integer fromLevel, Actor actor) {
        if (fromLevel != null && fromLevel < 1) {
            throw new InvalidInputException("from_level", "a level of the policy, 1 or more, got " + fromLevel);
        }
        tx.executeWithoutResult(status -> {
            timeline.lock();
            Incident incident = incidents.get(incidentId);
            EscalationRepository.Escalation stored = repository.find(incidentId).orElseThrow(() -> new ConflictException(
                    "incident " + incidentId + " has no escalation: its service has no escalation policy"));
            TocsinConfig.EscalationPolicy policy = config.escalationPolicy(stored.policyId()).orElseThrow(() ->
                    new ConflictException("escalation policy '" + stored.policyId() + "' is no longer in the configuration"));
            if (stored.state() != EscalationState.ACTIVE) {
                throw new ConflictException("incident " + incidentId + "'s escalation is " + stored.state().wire()
                        + (stored.state() == EscalationState.ACKNOWLEDGED
                        ? ": set the incident back to triggered to restart it" : ": there is nobody left to page"));
            }
            if (fromLevel != null) {
                checkStillAt(incidentId, fromLevel, stored, policy);
            }
            EscalationRepository.Escalation e = fitted(stored, policy, incident);
            if (e.nextLevel() == null) {
                throw new ConflictException("incident " + incidentId + " has paged every level of policy '"
                        + policy.id() + "' (repeats included): there is nobody left to page");
            }
            Instant now = clock.instant();
            timers.cancel(NAME, timerInstance(incidentId, e.generation(), e.step() + 1));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("policy", policy.id());
            data.put("level", e.nextLevel() + 1);
            data.put("instead_of", e.nextAt() == null ? null : e.nextAt().toString());
            timeline.append(new NewEvent("escalation.requested", actor, incidentId, null, incident.serviceId(), data));
            takeSteps(e, policy, incident, stepLevels(e.nextLevel(), e.lastLevel(), policy, incident),
                    "on request of " + actor.value(), now);
        });
    }

    /** Refuses to escalate an incident that has moved on from the level its responder saw (by hand or by its timer). */
    private static void checkStillAt(long incidentId, int fromLevel, EscalationRepository.Escalation stored,
                                     TocsinConfig.EscalationPolicy policy) {
        if (fromLevel > policy.levels().size()) {
            throw new InvalidInputException("from_level", "policy '" + policy.id() + "' has levels 1 to "
                    + policy.levels().size() + ", got " + fromLevel);
        }
        Integer current = stored.lastLevel() == null ? null : stored.lastLevel() + 1;
        if (!Integer.valueOf(fromLevel).equals(current)) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("current_level", current);
            throw new ConflictException("incident " + incidentId + " is "
                    + (current == null ? "at no level yet" : "at level " + current) + " of policy '" + policy.id()
                    + "', not level " + fromLevel + ": it was escalated meanwhile; nothing was changed", properties);
        }
    }

    /** Timer {@code <incident>:<generation>:<step>}: take that step if the escalation is still waiting for it. */
    @Override
    public void fire(String instance, Instant dueAt) {
        String[] parts = instance.split(":");
        long incidentId = Long.parseLong(parts[0]);
        int generation = Integer.parseInt(parts[1]);
        int step = Integer.parseInt(parts[2]);
        tx.executeWithoutResult(status -> {
            timeline.lock();
            EscalationRepository.Escalation e = repository.find(incidentId).orElse(null);
            if (e == null || e.state() != EscalationState.ACTIVE || e.generation() != generation || e.step() + 1 != step) {
                return;
            }
            Optional<TocsinConfig.EscalationPolicy> policy = config.escalationPolicy(e.policyId());
            if (policy.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            Timer.builder("tocsin.escalation.lateness").description("How late escalation steps ran after they were due")
                    .register(meters).record(Duration.between(dueAt, now).isNegative()
                    ? Duration.ZERO : Duration.between(dueAt, now));
            Incident incident = incidents.get(incidentId);
            e = fitted(e, policy.get(), incident);
            if (e.nextLevel() == null) {
                repository.update(withState(e, EscalationState.EXHAUSTED, step), now);
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("policy", e.policyId());
                data.put("levels", policy.get().levels().size());
                data.put("repeats", e.loopsDone());
                timeline.append(new NewEvent("escalation.exhausted", ACTOR, incidentId, null, incident.serviceId(), data));
                Counter.builder("tocsin.escalation.exhausted")
                        .description("Escalations that paged every level, repeats included, without an acknowledgement")
                        .register(meters).increment();
                return;
            }
            TocsinConfig.EscalationLevel waited = policy.get().levels().get(e.lastLevel());
            String reason = "after " + Durations.format(waited.delay()) + " without acknowledgement"
                    + (e.nextLevel() <= e.lastLevel() ? " (repeat " + e.loopsDone() + " of " + policy.get().repeat() + ")" : "");
            takeSteps(e, policy.get(), incident, stepLevels(e.nextLevel(), e.lastLevel(), policy.get(), incident),
                    reason, now);
        });
    }

    private void firstStep(EscalationRepository.Escalation e, TocsinConfig.EscalationPolicy policy, Incident incident,
                           String cause, Instant now) {
        takeSteps(e, policy, incident, startLevels(policy, incident), cause + " (" + incident.severity() + ")", now);
    }

    /** The levels the incident's severity starts with: level 1 alone, or for a P0 every level at once (seed 004). */
    private static List<Integer> startLevels(TocsinConfig.EscalationPolicy policy, Incident incident) {
        TocsinConfig.SeverityStart start = policy.startFor(incident.severity());
        List<Integer> levels = new ArrayList<>();
        for (int level = start.startLevel() - 1; level < start.throughLevel(); level++) {
            levels.add(level);
        }
        return levels;
    }

    /**
     * The levels a step pages: the level after the last, or, when the policy runs again, every level the severity
     * starts with, as the first step paged them (a P0's repeat is all hands again, not level 1 alone).
     */
    private static List<Integer> stepLevels(int next, int last, TocsinConfig.EscalationPolicy policy, Incident incident) {
        return next > last ? List.of(next) : startLevels(policy, incident);
    }

    /**
     * Pages {@code levels} as step {@code e.step() + 1}, then sets the timer for the step after. A step that reached
     * nobody (an empty schedule) is followed at once by the next, rather than waiting out a delay for no one.
     */
    private void takeSteps(EscalationRepository.Escalation e, TocsinConfig.EscalationPolicy policy, Incident incident,
                           List<Integer> levels, String reason, Instant now) {
        EscalationRepository.Escalation current = e;
        List<Integer> toPage = levels;
        String why = reason;
        int guard = policy.levels().size() * (policy.repeat() + 1) + 1;
        while (true) {
            int step = current.step() + 1;
            int reached = 0;
            Set<String> pagedInStep = new HashSet<>();
            for (int level : toPage) {
                reached += pageLevel(current, step, policy, level, incident, why, now, pagedInStep);
            }
            int last = toPage.get(toPage.size() - 1);
            Next next = next(current, policy, incident, last);
            TocsinConfig.EscalationLevel lastLevel = policy.levels().get(last);
            boolean skipAhead = reached == 0 && next.level() != null && --guard > 0;
            Instant nextAt = next.level() == null && lastLevel.delay() == null ? null
                    : skipAhead ? now : now.plus(lastLevel.delay());
            EscalationState state = nextAt == null ? EscalationState.EXHAUSTED : EscalationState.ACTIVE;
            current = new EscalationRepository.Escalation(current.incidentId(), current.policyId(), state,
                    current.generation(), step, last, next.level(), next.loopsDone(), nextAt);
            if (!skipAhead) {
                repository.update(current, now);
                if (nextAt != null) {
                    timers.set(NAME, timerInstance(current.incidentId(), current.generation(), step + 1), nextAt);
                }
                return;
            }
            toPage = stepLevels(next.level(), last, policy, incident);
            why = "nobody was reachable at level " + (last + 1);
        }
    }

    private record Next(Integer level, int loopsDone) {
    }

    /**
     * The escalation as its policy stands now. A policy that lost levels since the step was set (its file changed
     * between restarts) goes on as if its last level had been paged: a repeat if one is left, else nobody, rather
     * than failing the timer at every retry.
     */
    private static EscalationRepository.Escalation fitted(EscalationRepository.Escalation e,
                                                          TocsinConfig.EscalationPolicy policy, Incident incident) {
        int size = policy.levels().size();
        boolean lastGone = e.lastLevel() != null && e.lastLevel() >= size;
        boolean nextGone = e.nextLevel() != null && e.nextLevel() >= size;
        if (!lastGone && !nextGone) {
            return e;
        }
        Next after = nextGone ? next(e, policy, incident, size - 1) : new Next(e.nextLevel(), e.loopsDone());
        return new EscalationRepository.Escalation(e.incidentId(), e.policyId(), e.state(), e.generation(), e.step(),
                lastGone || nextGone ? size - 1 : e.lastLevel(), after.level(), after.loopsDone(), e.nextAt());
    }

    /** The level after {@code last}: the next one down, the start again on a repeat, or none. */
    private static Next next(EscalationRepository.Escalation e, TocsinConfig.EscalationPolicy policy, Incident incident,
                             int last) {
        if (last + 1 < policy.levels().size()) {
            return new Next(last + 1, e.loopsDone());
        }
        if (e.loopsDone() < policy.repeat()) {
            return new Next(policy.startFor(incident.severity()).startLevel() - 1, e.loopsDone() + 1);
        }
        return new Next(null, e.loopsDone());
    }

    /**
     * Pages every user the level's targets resolve to now, except those {@code pagedInStep} already holds: a step
     * that pages several levels at once (a P0) pages someone who is on two of them once, for the first. Returns how
     * many users the level reaches, counting those.
     */
    private int pageLevel(EscalationRepository.Escalation e, int step, TocsinConfig.EscalationPolicy policy, int level,
                          Incident incident, String reason, Instant now, Set<String> pagedInStep) {
        TocsinConfig.EscalationLevel spec = policy.levels().get(level);
        Reach reach = reach(spec, now);
        Map<String, String> users = reach.users();
        List<String> nobody = reach.emptySchedules();
        String levelName = describeLevel(level, spec, users.keySet());
        List<Map<String, Object>> notified = new ArrayList<>();
        List<String> alreadyPaged = new ArrayList<>();
        for (Map.Entry<String, String> user : users.entrySet()) {
            if (!pagedInStep.add(user.getKey())) {
                alreadyPaged.add(user.getKey());
                continue;
            }
            long pageId = repository.insertPage(e.incidentId(), e.generation(), step, level + 1, user.getKey(),
                    user.getValue(), now);
            notified.addAll(paging.notifyPaged(pageId, incident, user.getKey(), level + 1, levelName, reason, now));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("policy", policy.id());
        data.put("level", level + 1);
        data.put("level_name", spec.name());
        data.put("users", List.copyOf(users.keySet()));
        data.put("step", step);
        data.put("generation", e.generation());
        data.put("reason", (step == 1 ? reason + ": paging " : "escalated to ") + levelName
                + (step == 1 ? "" : " " + reason));
        data.put("notifications", notified);
        if (!nobody.isEmpty()) {
            data.put("nobody_on_call", nobody);
        }
        if (!alreadyPaged.isEmpty()) {
            data.put("already_paged", alreadyPaged);
        }
        timeline.append(new NewEvent("incident.paged", ACTOR, e.incidentId(), null, incident.serviceId(), data));
        Counter.builder("tocsin.escalation.pages").description("People paged, by escalation level")
                .tag("level", Integer.toString(level + 1)).register(meters)
                .increment(users.size() - alreadyPaged.size());
        return users.size();
    }

    /** "level 2: team lead (Ana)", or "level 1 (Bo)" for a level without a name. */
    private String describeLevel(int level, TocsinConfig.EscalationLevel spec, Set<String> users) {
        String names = users.isEmpty() ? "nobody on call"
                : users.stream().map(u -> config.user(u).map(TocsinConfig.User::name).orElse(u)).collect(Collectors.joining(", "));
        return "level " + (level + 1) + (spec.name() == null ? "" : ": " + spec.name()) + " (" + names + ")";
    }

    private void cancelPending(EscalationRepository.Escalation e) {
        timers.cancel(NAME, timerInstance(e.incidentId(), e.generation(), e.step() + 1));
        paging.cancelDelayed(e.incidentId(), e.generation());
    }

    private static EscalationRepository.Escalation withState(EscalationRepository.Escalation e, EscalationState state, int step) {
        return new EscalationRepository.Escalation(e.incidentId(), e.policyId(), state, e.generation(), step,
                e.lastLevel(), null, e.loopsDone(), null);
    }

    static String timerInstance(long incidentId, int generation, int step) {
        return incidentId + ":" + generation + ":" + step;
    }

    /** Used by the API: the escalation of an incident, if its service has a policy. */
    Optional<EscalationRepository.Escalation> find(long incidentId) {
        return repository.find(incidentId);
    }

    List<EscalationRepository.Page> pages(long incidentId) {
        return repository.pages(incidentId);
    }

    /** Everyone a level reaches at {@code at}: its users, and whoever is on call in its schedules. */
    Set<String> usersAt(TocsinConfig.EscalationLevel level, Instant at) {
        return reach(level, at).users().keySet();
    }

    /** Whom a level reaches: each user with how ("user", "schedule platform"), and its schedules with nobody on call. */
    private record Reach(Map<String, String> users, List<String> emptySchedules) {
    }

    private Reach reach(TocsinConfig.EscalationLevel level, Instant at) {
        Map<String, String> users = new LinkedHashMap<>();
        List<String> empty = new ArrayList<>();
        for (TocsinConfig.EscalationTarget target : level.targets()) {
            String user = userOf(target, at);
            if (user == null) {
                empty.add(target.schedule());
            } else {
                users.putIfAbsent(user, target.user() != null ? "user" : "schedule " + target.schedule());
            }
        }
        return new Reach(users, empty);
    }

    /** Whom one target reaches at {@code at}: the user it names, or whoever is on call in its schedule (null: nobody). */
    String userOf(TocsinConfig.EscalationTarget target, Instant at) {
        if (target.user() != null) {
            return target.user();
        }
        return schedules.find(target.schedule()).flatMap(s -> ScheduleCalculator.onCallAt(s, at)).orElse(null);
    }
}
