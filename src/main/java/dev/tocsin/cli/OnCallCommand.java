package dev.tocsin.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code tocsin oncall}: who is on call now (or at a given time), per schedule and per escalation level. */
@Command(name = "oncall", description = "Who is on call now, per schedule and escalation level.", mixinStandardHelpOptions = true)
final class OnCallCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TocsinCli root;

    @Option(names = "--at", paramLabel = "INSTANT", description = "another moment, e.g. 2026-03-01T09:00:00Z")
    String at;

    @Override
    public Integer call() {
        String query = "";
        if (at != null) {
            try {
                query = "?at=" + IncidentCommand.encode(Instant.parse(at).toString());
            } catch (DateTimeParseException e) {
                throw new CliFailure(CliFailure.USAGE, "--at '" + at + "' is not an instant (expected e.g. 2026-03-01T09:00:00Z)");
            }
        }
        JsonNode answer = root.api().get("/api/v1/oncall" + query);
        if (root.printedJson(answer)) {
            return 0;
        }
        PrintWriter out = root.out();
        out.println("On call at " + IncidentCommand.time(answer.get("at")));
        JsonNode schedules = answer.get("schedules");
        if (!schedules.isEmpty()) {
            out.println("Schedules:");
            for (JsonNode s : schedules) {
                String who = s.get("user").isNull() ? "nobody" : s.get("user").asString();
                String until = s.hasNonNull("until") ? " until " + IncidentCommand.time(s.get("until")) : "";
                out.printf("  %-24s %s%s%n", s.get("schedule").asString(), who, until);
            }
        }
        JsonNode policies = answer.get("escalation_policies");
        if (!policies.isEmpty()) {
            out.println("Escalation policies:");
            for (JsonNode p : policies) {
                out.printf("  %s%n", p.get("policy").asString());
                for (JsonNode level : p.get("levels")) {
                    List<String> users = new ArrayList<>();
                    level.get("users").forEach(u -> users.add(u.asString()));
                    out.printf("    %d. %-20s %s%n", level.get("level").asInt(),
                            level.hasNonNull("name") ? level.get("name").asString() : "",
                            users.isEmpty() ? "nobody" : String.join(", ", users));
                }
            }
        }
        if (schedules.isEmpty() && policies.isEmpty()) {
            out.println("No schedules or escalation policies are configured.");
        }
        return 0;
    }
}
