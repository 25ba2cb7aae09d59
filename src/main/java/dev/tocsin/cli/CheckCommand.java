package dev.tocsin.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.ConfigRules;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.monitor.MonitorRules;
import dev.tocsin.monitor.OneShotChecks;
import dev.tocsin.notify.TemplateRules;
import dev.tocsin.notify.WebhookSecretRules;
import dev.tocsin.oncall.ScheduleRules;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tocsin check --once}: checks a configuration file as the server's start does, then runs its monitors once
 * from this machine, with no server, and prints what each saw; exit 1 if any is not up. For a deploy pipeline, a cron
 * job, or trying a new monitor before the server gets it.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a configuration file as the server does, then run its monitors once, from here; "
                + "exit 2 if the file is invalid, 1 if a monitor is not up.")
final class CheckCommand implements Callable<Integer> {

    /** The features' rules, the server's beans, in the order the server runs them (their @Order): both report a file alike. */
    static final List<ConfigRules> FEATURE_RULES = inServerOrder(new ScheduleRules(), new TemplateRules(), new MonitorRules(),
            new WebhookSecretRules());

    @ParentCommand
    TocsinCli root;

    @Option(names = "--once", required = true,
            description = "check each monitor once and exit (the server is what checks continuously)")
    boolean once;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "the configuration file (default: TOCSIN_CONFIG, or the example configuration)")
    String config;

    @Parameters(paramLabel = "MONITOR", arity = "0..*", description = "only these monitors (default: all)")
    List<String> monitors = List.of();

    private static List<ConfigRules> inServerOrder(ConfigRules... rules) {
        List<ConfigRules> ordered = new ArrayList<>(List.of(rules));
        AnnotationAwareOrderComparator.sort(ordered);
        return List.copyOf(ordered);
    }

    @Override
    public Integer call() {
        String location = config != null ? config
                : root.env("TOCSIN_CONFIG", "classpath:examples/tocsin.yml");
        List<OneShotChecks.Outcome> outcomes;
        try {
            // ${NAME} as the server resolves it: the environment, then a Java system property (-DNAME=...).
            TocsinConfig loaded = new ConfigLoader(name -> {
                String value = root.env(name);
                return value != null ? value : System.getProperty(name);
            }, FEATURE_RULES).load(location);
            outcomes = OneShotChecks.run(loaded, new LinkedHashSet<>(monitors), root.clock());
        } catch (ConfigException e) {
            throw new CliFailure(CliFailure.USAGE, e.report());
        }
        boolean allUp = outcomes.stream().allMatch(OneShotChecks.Outcome::up);
        if (root.printedJson(outcomes)) {
            return allUp ? 0 : CliFailure.REFUSED;
        }
        PrintWriter out = root.out();
        if (outcomes.isEmpty()) {
            out.println("No monitors in " + location + ".");
            return 0;
        }
        out.printf("%-24s %-9s %-8s %8s  %s%n", "MONITOR", "TYPE", "LEVEL", "TIME", "REASON");
        for (OneShotChecks.Outcome o : outcomes) {
            out.printf("%-24s %-9s %-8s %6d ms  %s%n", o.monitorId(), o.type(), o.level().toUpperCase(java.util.Locale.ROOT),
                    o.latencyMs(), o.reason());
        }
        long down = outcomes.stream().filter(o -> !o.up()).count();
        out.println(down == 0 ? "All " + outcomes.size() + " monitors are up."
                : down + " of " + outcomes.size() + " monitors are not up.");
        return allUp ? 0 : CliFailure.REFUSED;
    }
}
