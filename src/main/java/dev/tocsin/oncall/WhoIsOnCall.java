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

    private final TocsinConfig config;
    private final Escalations escalations;

    WhoIsOnCall(TocsinConfig config, Escalations escalations) {
        this.config = config;
        this.escalations = escalations;
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
