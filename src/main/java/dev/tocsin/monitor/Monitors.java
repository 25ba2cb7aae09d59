package dev.tocsin.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitors: those of the configuration, validated at start-up (an invalid one refuses start-up naming the
 * field, {@code monitors[2].conditions[0].when: at column 9: …}), and those created through the API, read from the
 * database so that every node sees the same.
 */
@Component
class Monitors {

    private static final Logger log = LoggerFactory.getLogger(Monitors.class);

    private final Map<String, Monitor> declared;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
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
                try {
                    all.add(fromStored(spec));
                } catch (InvalidInputException e) {
                    // Valid when stored, no longer (its service left the file, say): one such monitor must not stop
                    // the others, nor the monitor API and the status page that list them all.
                    if (reported.add(id + "\n" + spec)) {
                        log.warn("event=monitors.definition_invalid monitor={} errors=\"{}\" action=\"not run until "
                                + "fixed: PUT /api/v1/monitors/{} with a valid definition, or DELETE it\"", id, e.getMessage(), id);
                    }
                }
            }
        });
        return all;
    }

    Optional<Monitor> find(String id) {
        Monitor m = declared.get(id);
        return m != null ? Optional.of(m) : repository.definition(id).map(this::fromStored);
    }

    /** The ids of the file's monitors. */
    Set<String> declaredIds() {
        return Set.copyOf(declared.keySet());
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
