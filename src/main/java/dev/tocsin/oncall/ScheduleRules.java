package dev.tocsin.oncall;

import java.util.List;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigRules;
import dev.tocsin.config.TocsinConfig;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The file's schedules, checked as {@link Schedules} reads them: time zones, rotations, users the file declares. */
@Component
@Order(1)
public final class ScheduleRules implements ConfigRules {

    @Override
    public List<String> problems(TocsinConfig config) {
        try {
            // Reading the declared schedules touches neither the repository nor the JSON mapper.
            new Schedules(config, null, null);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
