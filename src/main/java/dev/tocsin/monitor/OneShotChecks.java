package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;

/**
 * The monitors of a configuration file, each checked once from this machine, without a server or a database
 * ({@code tocsin check --once}). The probes and verdicts are the server's own, as for "check now" in the API: a
 * condition that must hold for a while ({@code for: 5m}) cannot be seen to in one look, so it does not count here.
 */
public final class OneShotChecks {

    /** One monitor's result. {@code level}: up, warning or critical. */
    public record Outcome(String monitorId, String type, String target, String level, long latencyMs, String reason) {

        public boolean up() {
            return "up".equals(level);
        }
    }

    private OneShotChecks() {
    }

    /**
     * Checks the monitors {@code only} names (all when empty) at once, in parallel, and returns their outcomes in the
     * file's order.
     *
     * @throws ConfigException a monitor of the file is invalid, or {@code only} names one the file does not have
     */
    public static List<Outcome> run(TocsinConfig config, Set<String> only, Clock clock) {
        List<Monitor> monitors = parse(config, only);
        Probes probes = new Probes(Math.max(4, Math.min(32, monitors.size())));
        try {
            List<CompletableFuture<Probes.Probe>> looks = new ArrayList<>();
            for (Monitor m : monitors) {
                looks.add(m.runnable() ? probes.probe(m) : null);
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < monitors.size(); i++) {
                Monitor m = monitors.get(i);
                CheckResult r = looks.get(i) == null
                        ? new CheckResult(m.id(), clock.instant(), Level.CRITICAL, 0, null,
                                "not configured: " + String.join(", ", m.missingVariables()) + " not set")
                        : Verdicts.judge(m, looks.get(i).join(), new Instant[m.conditions().size()], clock.instant());
                outcomes.add(new Outcome(m.id(), m.type().wire(), target(m.spec()), r.level().wire(), r.latencyMs(), r.reason()));
            }
            return outcomes;
        } finally {
            probes.destroy();
        }
    }

    /** The file's monitors, as the server reads them, or those of them {@code only} names. */
    private static List<Monitor> parse(TocsinConfig config, Set<String> only) {
        Map<String, Monitor> declared = new MonitorParser(config).declared();
        List<String> unknown = only.stream().filter(id -> !declared.containsKey(id))
                .map(id -> "no monitor '" + id + "' in the file; it has " + declared.keySet()).toList();
        if (!unknown.isEmpty()) {
            throw new ConfigException(config.source(), unknown);
        }
        return declared.values().stream().filter(m -> only.isEmpty() || only.contains(m.id())).toList();
    }

    private static String target(MonitorSpec s) {
        if (s.url() != null) {
            return s.url();
        }
        return s.host() != null ? s.host() + (s.port() != null ? ":" + s.port() : "") : "";
    }
}
