package dev.tocsin.monitor;

import java.util.ArrayList;
import java.util.List;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigRules;
import dev.tocsin.config.TocsinConfig;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The file's monitors and maintenance windows, checked as {@link Monitors} and {@link Maintenance} read them. */
@Component
@Order(3)
public final class MonitorRules implements ConfigRules {

    @Override
    public List<String> problems(TocsinConfig config) {
        List<String> problems = new ArrayList<>();
        try {
            new MonitorParser(config).declared();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        try {
            // Reading the declared windows touches neither the repository nor the clock.
            new Maintenance(config, null, null);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        return problems;
    }
}
