package dev.tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/** Whom each level of each escalation policy would page at an instant: for the API and the dashboard. */
@Component
public class WhoIsOnCall {

    public record Level(int level, String name, List<String> users) {
    }

    public record Policy(String policy, String name, List<Level> levels) {
    }

    /** Who is on call in a schedule and when; {@code source} says whether an override put them there. */
    public record Turn(String user, Instant start, Instant end, boolean override) {
    }

    public record ScheduleTurns(String schedule, String timeZone, List<Turn> turns) {
    }

    /** One target of a level: a user, or a schedule with whom it reaches now ({@code reaches} null: nobody). */
    public record Target(String user, String schedule, String reaches) {
    }

    /** A level as declared, with whom each target reaches now; {@code delay} null on a last level without repeat. */
    public record LevelDetail(int level, String name, Duration delay, List<Target> targets, List<String> users) {
    }

    /** A policy as declared: its levels, how often it runs again, where severities start, and who it pages now. */
    public record PolicyDetail(String policy, String name, int repeat, List<LevelDetail> levels,
                               Map<String, TocsinConfig.SeverityStart> severityStarts) {
    }

    private final TocsinConfig config;
    private final Escalations escalations;
    private final Schedules schedules;

    WhoIsOnCall(TocsinConfig config, Escalations escalations, Schedules schedules) {
        this.config = config;
        this.escalations = escalations;
        this.schedules = schedules;
    }

    /** Every schedule's shifts within [from, to). */
    public List<ScheduleTurns> schedules(Instant from, Instant to) {
        return schedules.all().stream().map(s -> new ScheduleTurns(s.id(), s.zone().getId(),
                ScheduleCalculator.shifts(s, from, to).stream()
                        .map(shift -> new Turn(shift.user(), shift.start(), shift.end(), Shift.OVERRIDE.equals(shift.source())))
                        .toList())).toList();
    }

    /** Every escalation policy as declared, with whom each target of each level would page at {@code when}. */
    public List<PolicyDetail> policies(Instant when) {
        return config.escalationPolicies().stream().map(p -> {
            List<LevelDetail> levels = new ArrayList<>();
            for (int i = 0; i < p.levels().size(); i++) {
                TocsinConfig.EscalationLevel l = p.levels().get(i);
                List<Target> targets = l.targets().stream()
                        .map(t -> new Target(t.user(), t.schedule(), escalations.userOf(t, when))).toList();
                levels.add(new LevelDetail(i + 1, l.name(), l.delay(), targets,
                        List.copyOf(escalations.usersAt(l, when))));
            }
            return new PolicyDetail(p.id(), p.name(), p.repeat(), levels, p.severityStarts());
        }).toList();
    }

    public List<Policy> at(Instant when) {
        return config.escalationPolicies().stream().map(p -> {
            List<Level> levels = new ArrayList<>();
            for (int i = 0; i < p.levels().size(); i++) {
                levels.add(new Level(i + 1, p.levels().get(i).name(), List.copyOf(escalations.usersAt(p.levels().get(i), when))));
            }
            return new Policy(p.id(), p.name(), levels);
        }).toList();
    }
}
