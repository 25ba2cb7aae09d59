package dev.tocsin.oncall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
