package dev.tocsin.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitors: those of the configuration, validated at start-up (an invalid one refuses start-up naming the
 * field, {@code monitors[2].conditions[0].when: at column 9: …}), and those created through the API, read from the
 * database so that every node sees the same.
 */
@Component
class Monitors {

    private final Map<String, Monitor> declared;
    private final MonitorParser parser;
    private final MonitorRepository repository;
    private final JsonMapper json;

    Monitors(TocsinConfig config, MonitorRepository repository, JsonMapper json) {
        this.parser = new MonitorParser(config);
        this.repository = repository;
        this.json = json;
        this.declared = parser.declared();
    }

    /** Every monitor, the file's first. */
    List<Monitor> all() {
        List<Monitor> all = new ArrayList<>(declared.values());
        repository.definitions().forEach((id, spec) -> {
            if (!declared.containsKey(id)) {
                all.add(fromStored(spec));
            }
        });
        return all;
    }

    Optional<Monitor> find(String id) {
        Monitor m = declared.get(id);
        return m != null ? Optional.of(m) : repository.definition(id).map(this::fromStored);
    }

    boolean declaredInConfig(String id) {
        return declared.containsKey(id);
    }

    /** Validates an API document; throws InvalidInputException naming each bad field. */
    Monitor validate(MonitorSpec spec) {
        return parser.parse(spec, false);
    }

    String toJson(MonitorSpec spec) {
        return json.writeValueAsString(spec);
    }

    private Monitor fromStored(String spec) {
        return parser.parse(json.readValue(spec, MonitorSpec.class), false);
    }
}
