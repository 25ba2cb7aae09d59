package dev.tocsin;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import dev.tocsin.cli.TocsinCli;
import dev.tocsin.ops.StartupClassPreloader;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Tocsin: alerts, incidents, on-call and status in one program. */
@SpringBootApplication
public class TocsinApplication {

    public static void main(String[] args) {
        skipH2ValueCache();
        if (TocsinCli.isCommand(args)) {
            // A command for a running Tocsin (or check --once): no server, no Spring context.
            System.exit(TocsinCli.run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv(), Clock.systemUTC()));
        }
        StartupClassPreloader.start(TocsinApplication.class.getClassLoader());
        SpringApplication.run(TocsinApplication.class, args);
    }

    /**
     * Switches off H2's shared value cache unless {@code -Dh2.objectCache} says otherwise. It looks every value H2
     * reads or creates up in one 1,024-slot array (a hash and an {@code equals} each) so that equal values share one;
     * the intake writes each row once and seldom reads it back, so that work saved nothing and cost the intake writers
     * about 5% of their time (docs/performance.md, "Another machine, and H2's value cache"). It must be set before H2
     * reads its system properties, so first thing in {@code main}, before the class preloader starts.
     */
    private static void skipH2ValueCache() {
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
    }
}
