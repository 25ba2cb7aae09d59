package dev.tocsin.config;

import java.util.List;

/**
 * Checks of the file that a feature owns because it owns the rules: template variables, schedules, monitors,
 * maintenance windows. {@link ConfigLoader} runs them after its own, so that start-up and {@code tocsin check --once}
 * refuse the same file with the same problems, all in one report.
 */
public interface ConfigRules {

    /** Each problem as {@code path: what was expected}, by the path of its field; empty when this part is fine. */
    List<String> problems(TocsinConfig config);
}
