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
        if (TocsinCli.isCommand(args)) {
            // A command for a running Tocsin (or check --once): no server, no Spring context.
            System.exit(TocsinCli.run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv(), Clock.systemUTC()));
        }
        StartupClassPreloader.start(TocsinApplication.class.getClassLoader());
        SpringApplication.run(TocsinApplication.class, args);
    }
}
