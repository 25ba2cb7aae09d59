package dev.tocsin.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.timeline.TimelineText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** {@code tocsin incident …}: the incident use cases of the API, one subcommand each. */
@Command(name = "incident", description = "List, declare, acknowledge, update and resolve incidents.",
        mixinStandardHelpOptions = true)
final class IncidentCommand {

    private static final int TIMELINE_PAGE = 1000;

    @ParentCommand
    TocsinCli root;

    @Command(mixinStandardHelpOptions = true, name = "list",
            description = "Incidents, newest first (default: the open ones).")
    int list(@Option(names = "--status", defaultValue = "open", paramLabel = "STATUS",
                     description = "open (default), a status, or a comma list; 'all' for every status") String status,
             @Option(names = "--service", paramLabel = "ID") String service,
             @Option(names = "--severity", paramLabel = "LEVEL") String severity,
             @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "1-500 (default 50)") int limit) {
        StringBuilder query = new StringBuilder("?limit=").append(limit);
        if (!"all".equals(status)) {
            query.append("&status=").append(encode(status));
        }
        if (service != null) {
            query.append("&service=").append(encode(service));
        }
        if (severity != null) {
            query.append("&severity=").append(encode(severity));
        }
        JsonNode answer = root.api().get("/api/v1/incidents" + query);
        if (root.printedJson(answer)) {
            return 0;
        }
        PrintWriter out = root.out();
        JsonNode incidents = answer.get("incidents");
        if (incidents.isEmpty()) {
            out.println("No incidents.");
            return 0;
        }
        out.printf("%-6s %-8s %-13s %-20s %-20s %s%n", "ID", "SEVERITY", "STATUS", "SERVICE", "OPENED", "TITLE");
        for (JsonNode i : incidents) {
            out.printf("%-6s %-8s %-13s %-20s %-20s %s%n", i.get("id").asString(), i.get("severity").asString(),
                    i.get("status").asString(), i.get("service").asString(), time(i.get("opened_at")),
                    i.get("title").asString());
        }
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One incident.")
    int show(@Parameters(paramLabel = "ID") long id) {
        return print(root.api().get("/api/v1/incidents/" + id));
    }

    @Command(mixinStandardHelpOptions = true, name = "declare", description = "Declare an incident by hand.")
    int declare(@Option(names = "--title", required = true, paramLabel = "TEXT") String title,
                @Option(names = "--service", required = true, paramLabel = "ID") String service,
                @Option(names = "--severity", paramLabel = "LEVEL", description = "default: the most urgent level") String severity,
                @Option(names = "--description", paramLabel = "TEXT") String description,
                @Option(names = "--commander", paramLabel = "USER", description = "the incident commander") String commander,
                @Option(names = "--public-title", paramLabel = "TEXT",
                        description = "what the public status page calls it (default: the title)") String publicTitle) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("service", service);
        if (severity != null) {
            body.put("severity", severity);
        }
        if (description != null) {
            body.put("description", description);
        }
        if (commander != null) {
            body.put("roles", Map.of("incident_commander", commander));
        }
        if (publicTitle != null) {
            body.put("public_title", publicTitle);
        }
        return print(root.api().post("/api/v1/incidents", body));
    }

    @Command(mixinStandardHelpOptions = true, name = "ack", aliases = "acknowledge",
            description = "Acknowledge an incident: stop its escalation.")
    int acknowledge(@Parameters(paramLabel = "ID") long id) {
        return print(root.api().post("/api/v1/incidents/" + id + "/acknowledge", null));
    }

    @Command(mixinStandardHelpOptions = true, name = "escalate",
            description = "Page the next level of the escalation policy now, not after its delay.")
    int escalate(@Parameters(paramLabel = "ID") long id,
                 @Option(names = "--from-level", paramLabel = "N", description = "only while level N is the one paged "
                         + "last; if it has moved on (someone escalated first), nothing is paged and the refusal says where it stands") Integer fromLevel) {
        JsonNode escalation = root.api().post("/api/v1/incidents/" + id + "/escalate",
                fromLevel == null ? null : Map.of("from_level", fromLevel));
        if (root.printedJson(escalation)) {
            return 0;
        }
        // The step just taken is the newest: its pages say whom it reached.
        JsonNode pages = escalation.get("pages");
        JsonNode newest = pages.get(pages.size() - 1);
        int level = newest.get("level").asInt();
        List<String> paged = new ArrayList<>();
        pages.forEach(p -> {
            if (p.get("generation").asInt() == newest.get("generation").asInt()
                    && p.get("step").asInt() == newest.get("step").asInt()) {
                paged.add(p.get("user").asString());
            }
        });
        root.out().printf("Incident %d: paged level %d (%s).%s%n", id, level, String.join(", ", paged),
                escalation.hasNonNull("next_at") ? " Next level " + escalation.get("next_level").asString() + " at "
                        + time(escalation.get("next_at")) + " unless acknowledged." : "");
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "snooze",
            description = "Put an acknowledged incident aside; it is triggered again when the snooze ends.")
    int snooze(@Parameters(index = "0", paramLabel = "ID") long id,
               @Parameters(index = "1", paramLabel = "DURATION", description = "30m, 4h, 1d (at most 7d)") String duration) {
        return print(root.api().post("/api/v1/incidents/" + id + "/snooze", Map.of("duration", duration)));
    }

    @Command(mixinStandardHelpOptions = true, name = "status",
            description = "Move an incident to another status (investigating, identified, monitoring, ...).")
    int status(@Parameters(index = "0", paramLabel = "ID") long id,
               @Parameters(index = "1", paramLabel = "STATUS") String status,
               @Option(names = {"-m", "--message"}, paramLabel = "TEXT") String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (message != null) {
            body.put("message", message);
        }
        return print(root.api().post("/api/v1/incidents/" + id + "/status", body));
    }

    @Command(mixinStandardHelpOptions = true, name = "update",
            description = "Post a stakeholder status update (sent to the incident's channels).")
    int update(@Parameters(index = "0", paramLabel = "ID") long id,
               @Parameters(index = "1", paramLabel = "MESSAGE") String message,
               @Option(names = "--status", paramLabel = "STATUS", description = "also move to this status") String status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        if (status != null) {
            body.put("status", status);
        }
        return print(root.api().post("/api/v1/incidents/" + id + "/updates", body));
    }

    @Command(mixinStandardHelpOptions = true, name = "note",
            description = "Add an internal note for responders (never public).")
    int note(@Parameters(index = "0", paramLabel = "ID") long id, @Parameters(index = "1", paramLabel = "TEXT") String text) {
        JsonNode entry = root.api().post("/api/v1/incidents/" + id + "/notes", Map.of("text", text));
        if (!root.printedJson(entry)) {
            root.out().println("Note added to incident " + id + ".");
        }
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "resolve", description = "Resolve an incident.")
    int resolve(@Parameters(paramLabel = "ID") long id,
                @Option(names = {"-r", "--resolution"}, paramLabel = "TEXT") String resolution) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (resolution != null) {
            body.put("resolution", resolution);
        }
        return print(root.api().post("/api/v1/incidents/" + id + "/resolve", body));
    }

    @Command(mixinStandardHelpOptions = true, name = "public-title",
            description = "Set what the public status page calls an incident, or --clear it back to the page's own.")
    int publicTitle(@Parameters(index = "0", paramLabel = "ID") long id,
                    @Parameters(index = "1", paramLabel = "TITLE", arity = "0..1") String title,
                    @Option(names = "--clear", description = "show the page's own title again") boolean clear) {
        if (clear == (title != null)) {
            throw new CliFailure(CliFailure.USAGE, "give the TITLE, or --clear (not both)");
        }
        return print(clear ? root.api().delete("/api/v1/incidents/" + id + "/public-title")
                : root.api().put("/api/v1/incidents/" + id + "/public-title", Map.of("public_title", title)));
    }

    @Command(mixinStandardHelpOptions = true, name = "status-page",
            description = "Publish an incident on the public status page or hide it, whatever status_page.publish says; "
                    + "--rule lets the rule decide again.")
    int statusPage(@Parameters(paramLabel = "ID") long id,
                   @Option(names = "--publish", description = "show it on the page") boolean publish,
                   @Option(names = "--hide", description = "keep it off the page (one already shown disappears)")
                   boolean hide,
                   @Option(names = "--rule", description = "let status_page.publish decide again") boolean rule) {
        if ((publish ? 1 : 0) + (hide ? 1 : 0) + (rule ? 1 : 0) != 1) {
            throw new CliFailure(CliFailure.USAGE, "give one of --publish, --hide or --rule");
        }
        return print(rule ? root.api().delete("/api/v1/incidents/" + id + "/status-page")
                : root.api().put("/api/v1/incidents/" + id + "/status-page", Map.of("published", publish)));
    }

    @Command(mixinStandardHelpOptions = true, name = "severity",
            description = "Change an incident's severity (its response target follows).")
    int severity(@Parameters(index = "0", paramLabel = "ID") long id,
                 @Parameters(index = "1", paramLabel = "LEVEL") String severity) {
        return print(root.api().put("/api/v1/incidents/" + id + "/severity", Map.of("severity", severity)));
    }

    @Command(mixinStandardHelpOptions = true, name = "assign",
            description = "Give a role to a user: commander, tech-lead or comms-lead.")
    int assign(@Parameters(index = "0", paramLabel = "ID") long id,
               @Parameters(index = "1", paramLabel = "ROLE") String role,
               @Parameters(index = "2", paramLabel = "USER") String user) {
        return print(root.api().put("/api/v1/incidents/" + id + "/roles/" + role(role), Map.of("user", user)));
    }

    @Command(mixinStandardHelpOptions = true, name = "unassign",
            description = "Take a role from whoever has it: commander, tech-lead or comms-lead.")
    int unassign(@Parameters(index = "0", paramLabel = "ID") long id,
                 @Parameters(index = "1", paramLabel = "ROLE") String role) {
        return print(root.api().delete("/api/v1/incidents/" + id + "/roles/" + role(role)));
    }

    /**
     * Records what is known of the impact. Only the options given change; Tocsin keeps the others as the incident has
     * them when the change lands, so two people recording different fields at once both keep theirs.
     */
    @Command(mixinStandardHelpOptions = true, name = "impact",
            description = "Record the impact: users and services affected, data loss, financial impact.")
    int impact(@Parameters(paramLabel = "ID") long id,
               @Option(names = "--users", paramLabel = "N",
                       description = "users affected; '' for not known") String users,
               @Option(names = "--services", paramLabel = "ID,...",
                       description = "services affected (replaces the list; '' for none)") String services,
               @Option(names = "--data-loss", paramLabel = "yes|no|unknown",
                       description = "whether data was lost") String dataLoss,
               @Option(names = "--financial", paramLabel = "TEXT",
                       description = "e.g. '~$5k an hour'; '' for not known") String financial) {
        if (users == null && services == null && dataLoss == null && financial == null) {
            throw new CliFailure(CliFailure.USAGE, "say what changed: --users, --services, --data-loss or --financial");
        }
        Map<String, Object> change = new LinkedHashMap<>();
        if (users != null) {
            change.put("users_affected", users.isBlank() ? null : count(users));
        }
        if (services != null) {
            change.put("services_affected", services.isBlank() ? List.of() : List.of(services.split("\\s*,\\s*")));
        }
        if (dataLoss != null) {
            change.put("data_loss", switch (dataLoss) {
                case "yes" -> true;
                case "no" -> false;
                case "unknown", "" -> null;
                default -> throw new CliFailure(CliFailure.USAGE,
                        "--data-loss '" + dataLoss + "': expected yes, no or unknown");
            });
        }
        if (financial != null) {
            change.put("financial_impact", financial.isBlank() ? null : financial);
        }
        return print(root.api().patch("/api/v1/incidents/" + id + "/impact", change));
    }

    private static long count(String users) {
        try {
            return Long.parseLong(users.strip());
        } catch (NumberFormatException e) {
            throw new CliFailure(CliFailure.USAGE, "--users '" + users + "' is not a whole number");
        }
    }

    private static String role(String role) {
        return switch (role) {
            case "commander", "incident_commander" -> "incident_commander";
            case "tech-lead", "technical_lead" -> "technical_lead";
            case "comms-lead", "communications_lead" -> "communications_lead";
            default -> throw new CliFailure(CliFailure.USAGE,
                    "ROLE '" + role + "' is not a role: expected commander, tech-lead or comms-lead");
        };
    }

    @Command(mixinStandardHelpOptions = true, name = "timeline",
            description = "Everything that happened to an incident, oldest first.")
    int timeline(@Parameters(paramLabel = "ID") long id) {
        // The API answers at most 1000 entries at a time: page by the last sequence number until a short page.
        ArrayNode entries = ApiClient.JSON.createArrayNode();
        long after = 0;
        while (true) {
            JsonNode page = root.api().get("/api/v1/incidents/" + id + "/timeline?after=" + after + "&limit=" + TIMELINE_PAGE);
            page.forEach(entries::add);
            if (page.size() < TIMELINE_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).get("seq").asLong();
        }
        if (root.printedJson(entries)) {
            return 0;
        }
        // Columns as wide as their widest entry: kinds such as incident.response_target_breached are longer than
        // any fixed width that suits the common ones.
        int kindWidth = 1;
        int actorWidth = 1;
        for (JsonNode e : entries) {
            kindWidth = Math.max(kindWidth, e.get("kind").asString().length());
            actorWidth = Math.max(actorWidth, e.get("actor").asString().length());
        }
        String line = "%s  %-" + kindWidth + "s  %-" + actorWidth + "s  %s%n";
        for (JsonNode e : entries) {
            root.out().printf(line, time(e.get("occurred_at")), e.get("kind").asString(),
                    e.get("actor").asString(), TimelineText.describe(e.get("kind").asString(), e.get("data")));
        }
        return 0;
    }

    /** One incident as a short block of text. */
    private int print(JsonNode i) {
        if (root.printedJson(i)) {
            return 0;
        }
        PrintWriter out = root.out();
        out.printf("Incident %s: %s%n", i.get("id").asString(), i.get("title").asString());
        out.printf("  %-12s %s%n", "status", i.get("status").asString());
        out.printf("  %-12s %s%n", "severity", i.get("severity").asString());
        out.printf("  %-12s %s%n", "service", i.get("service").asString());
        if (i.hasNonNull("public_title_shown")) {
            out.printf("  %-12s %s%s%n", "public", i.get("public_title_shown").asString(),
                    i.hasNonNull("public_title") ? "" : " (the page's own; set one with public-title)");
        }
        if (i.has("published_by")) {
            String by = i.get("published_by").asString();
            out.printf("  %-12s %s (%s)%n", "status page", i.get("published").asBoolean() ? "published" : "hidden",
                    by.equals("person") ? "chosen by a person" : by.equals("service") ? "its service is not on the page"
                            : "by status_page.publish");
        }
        out.printf("  %-12s %s%n", "opened", time(i.get("opened_at")));
        if (i.hasNonNull("acknowledged_at")) {
            out.printf("  %-12s %s%n", "acknowledged", time(i.get("acknowledged_at")));
        }
        if (i.hasNonNull("snoozed_until")) {
            out.printf("  %-12s until %s%n", "snoozed", time(i.get("snoozed_until")));
        }
        if (i.hasNonNull("resolved_at")) {
            out.printf("  %-12s %s%n", "resolved", time(i.get("resolved_at")));
        }
        JsonNode target = i.get("response_target");
        if (target != null && !target.isNull() && "triggered".equals(i.get("status").asString())) {
            out.printf("  %-12s by %s%s%n", "respond", time(target.get("respond_by")),
                    target.get("breached").asBoolean() ? " (breached)" : "");
        }
        JsonNode roles = i.get("roles");
        roles.properties().forEach(role -> {
            if (!role.getValue().isNull()) {
                out.printf("  %-12s %s%n", role.getKey().replace('_', ' ').replace("incident ", ""), role.getValue().asString());
            }
        });
        JsonNode impact = i.get("impact");
        if (impact != null && impact.hasNonNull("users_affected")) {
            out.printf("  %-12s %s%n", "users", impact.get("users_affected").asString());
        }
        if (impact != null && !impact.path("services_affected").isEmpty()) {
            List<String> affected = new ArrayList<>();
            impact.get("services_affected").forEach(s -> affected.add(s.asString()));
            out.printf("  %-12s %s%n", "affected", String.join(", ", affected));
        }
        if (impact != null && impact.hasNonNull("data_loss")) {
            out.printf("  %-12s %s%n", "data loss", impact.get("data_loss").asBoolean() ? "yes" : "no");
        }
        if (impact != null && impact.hasNonNull("financial_impact")) {
            out.printf("  %-12s %s%n", "financial", impact.get("financial_impact").asString());
        }
        if (i.hasNonNull("resolution")) {
            out.printf("  %-12s %s%n", "resolution", i.get("resolution").asString());
        }
        return 0;
    }

    /**
     * A time of Tocsin's answer as the timeline's entries print theirs ({@link TimelineText#time}), so that one screen
     * never spells a time two ways; an answer that is not an instant is shown as it came.
     */
    static String time(JsonNode instant) {
        if (instant == null || instant.isNull()) {
            return "-";
        }
        try {
            return TimelineText.time(Instant.parse(instant.asString()));
        } catch (DateTimeParseException notAnInstant) {
            return instant.asString();
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
