package dev.tocsin.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code tocsin health}: Tocsin's own deep health (seed 000's shape) in a few lines; exit 1 when degraded. */
@Command(name = "health", description = "Tocsin's own deep health; exit 1 when it is degraded.",
        mixinStandardHelpOptions = true)
final class HealthCommand implements Callable<Integer> {

    @ParentCommand
    TocsinCli root;

    @Override
    public Integer call() {
        JsonNode health = root.api().get("/api/health/deep", 503); // 503: degraded, the database down
        boolean healthy = "healthy".equals(health.get("status").asString());
        if (!root.printedJson(health)) {
            PrintWriter out = root.out();
            out.printf("%s%s%n", health.get("status").asString(),
                    health.path("production_ready").asBoolean(false) ? ", production ready" : ", not production ready");
            if (health.has("database")) {
                out.printf("  %-18s %s%n", "database", health.get("database").path("status").asString(""));
            }
            if (health.has("memory")) {
                out.printf("  %-18s %s%%%n", "memory", health.get("memory").path("percent").asString(""));
            }
            JsonNode open = health.path("open_circuits");
            if (open.isArray() && !open.isEmpty()) {
                out.printf("  %-18s %s%n", "open circuits", open.toString());
            }
            JsonNode degraded = health.path("degraded_services");
            if (degraded.isArray()) {
                degraded.forEach(d -> out.printf("  %-18s %s%n", "degraded", d.isObject() ? d.toString() : d.asString()));
            }
        }
        return healthy ? 0 : CliFailure.REFUSED;
    }
}
