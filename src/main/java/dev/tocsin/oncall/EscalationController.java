package dev.tocsin.oncall;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Escalation policies as declared, who each level reaches now, and where an incident's escalation stands. */
@RestController
class EscalationController {

    record TargetView(String user, String schedule) {
    }

    record LevelView(int level, String name, List<TargetView> targets, String delay, List<String> onCall) {
    }

    record StartView(int startLevel, int throughLevel) {
    }

    record PolicyView(String id, String name, int repeat, List<LevelView> levels, Map<String, StartView> severities,
                      List<String> services) {
    }

    record PageView(int generation, int step, int level, String user, String via, Instant pagedAt) {
    }

    /** {@code currentLevel}: the level paged last, what {@code from_level} of an escalation request names. */
    record IncidentEscalationView(long incident, String policy, String state, Integer generation, Integer currentLevel,
                                  Integer nextLevel, Instant nextAt, Integer repeatsDone, List<PageView> pages) {
    }

    /** {@code fromLevel}: read as a tree, so that "2", 1.5 or 1e400 are refused by name rather than coerced. */
    record EscalateRequest(JsonNode fromLevel) {
    }

    private final TocsinConfig config;
    private final Escalations escalations;
    private final IncidentService incidents;
    private final Clock clock;

    EscalationController(TocsinConfig config, Escalations escalations, IncidentService incidents, Clock clock) {
        this.config = config;
        this.escalations = escalations;
        this.incidents = incidents;
        this.clock = clock;
    }

    @GetMapping("/api/v1/escalation-policies")
    List<PolicyView> list(@RequestParam(required = false) Instant at) {
        Instant when = at != null ? at : clock.instant();
        return config.escalationPolicies().stream().map(p -> view(p, when)).toList();
    }

    @GetMapping("/api/v1/escalation-policies/{id}")
    PolicyView get(@PathVariable String id, @RequestParam(required = false) Instant at) {
        return config.escalationPolicy(id).map(p -> view(p, at != null ? at : clock.instant()))
                .orElseThrow(() -> new NotFoundException("escalation policy '" + id + "' does not exist"));
    }

    @GetMapping("/api/v1/incidents/{id}/escalation")
    IncidentEscalationView incident(@PathVariable long id) {
        incidents.get(id);
        List<PageView> pages = escalations.pages(id).stream().map(p -> new PageView(p.generation(), p.step(), p.level(),
                p.userId(), p.via(), p.pagedAt())).toList();
        return escalations.find(id).map(e -> new IncidentEscalationView(id, e.policyId(), e.state().wire(), e.generation(),
                        e.lastLevel() == null ? null : e.lastLevel() + 1, e.nextLevel() == null ? null : e.nextLevel() + 1,
                        e.nextAt(), e.repeatsPaged(), pages))
                .orElse(new IncidentEscalationView(id, null, "none", null, null, null, null, null, pages));
    }

    /**
     * Pages the next level now instead of after the delay; the answer is the escalation afterwards. With
     * {@code from_level}, only while the escalation is still at that level.
     */
    @PostMapping("/api/v1/incidents/{id}/escalate")
    IncidentEscalationView escalate(@PathVariable long id, @RequestBody(required = false) EscalateRequest body) {
        escalations.escalateNow(id, body == null ? null : level(body.fromLevel()), CurrentActor.get());
        return incident(id);
    }

    private static Integer level(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            // What it got is described, not echoed: a string may hold anything, a lone surrogate included.
            throw new InvalidInputException("from_level", "expected a whole number, the level paged last; got "
                    + (value.isNumber() ? "a number that is not one, or too large" : "a " + value.getNodeType().name()
                    .toLowerCase(Locale.ROOT)));
        }
        return value.intValue();
    }

    PolicyView view(TocsinConfig.EscalationPolicy policy, Instant at) {
        List<LevelView> levels = new ArrayList<>();
        for (int i = 0; i < policy.levels().size(); i++) {
            TocsinConfig.EscalationLevel level = policy.levels().get(i);
            levels.add(new LevelView(i + 1, level.name(),
                    level.targets().stream().map(t -> new TargetView(t.user(), t.schedule())).toList(),
                    level.delay() == null ? null : Durations.format(level.delay()),
                    List.copyOf(escalations.usersAt(level, at))));
        }
        Map<String, StartView> starts = new LinkedHashMap<>();
        policy.severityStarts().forEach((severity, s) -> starts.put(severity, new StartView(s.startLevel(), s.throughLevel())));
        List<String> services = config.services().stream().filter(s -> policy.id().equals(s.escalationPolicy()))
                .map(TocsinConfig.Service::id).toList();
        return new PolicyView(policy.id(), policy.name(), policy.repeat(), levels, starts, services);
    }
}
