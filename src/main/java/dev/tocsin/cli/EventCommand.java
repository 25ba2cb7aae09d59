package dev.tocsin.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code tocsin event …}: sends PagerDuty Events API v2 events, as a monitoring script would, authenticated by the
 * service's integration key (the routing key) rather than an API key.
 */
@Command(name = "event", description = "Send an alert or change event to a service (PagerDuty Events API v2).",
        mixinStandardHelpOptions = true)
final class EventCommand {

    @ParentCommand
    TocsinCli root;

    @Command(mixinStandardHelpOptions = true, name = "trigger",
            description = "Trigger an alert; a repeat of an open dedup key folds into it.")
    int trigger(@Option(names = {"-k", "--routing-key"}, required = true, paramLabel = "KEY") String routingKey,
                @Option(names = {"-s", "--summary"}, required = true, paramLabel = "TEXT") String summary,
                @Option(names = "--source", paramLabel = "HOST", description = "default: this machine's name") String source,
                @Option(names = "--severity", defaultValue = "critical", paramLabel = "LEVEL",
                        description = "critical (default), error, warning or info") String severity,
                @Option(names = {"-d", "--dedup-key"}, paramLabel = "KEY", description = "default: one is generated")
                String dedupKey,
                @Option(names = "--detail", paramLabel = "NAME=VALUE", description = "a custom detail; repeatable")
                Map<String, String> details) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", summary);
        payload.put("source", source != null ? source : hostName());
        payload.put("severity", severity);
        if (details != null && !details.isEmpty()) {
            payload.put("custom_details", details);
        }
        Map<String, Object> event = event(routingKey, "trigger", dedupKey);
        event.put("payload", payload);
        return send("/v2/enqueue", event, "Triggered");
    }

    @Command(mixinStandardHelpOptions = true, name = "acknowledge", aliases = "ack",
            description = "Acknowledge the open alert of a dedup key.")
    int acknowledge(@Option(names = {"-k", "--routing-key"}, required = true, paramLabel = "KEY") String routingKey,
                    @Option(names = {"-d", "--dedup-key"}, required = true, paramLabel = "KEY") String dedupKey) {
        return send("/v2/enqueue", event(routingKey, "acknowledge", dedupKey), "Acknowledged");
    }

    @Command(mixinStandardHelpOptions = true, name = "resolve", description = "Resolve the open alert of a dedup key.")
    int resolve(@Option(names = {"-k", "--routing-key"}, required = true, paramLabel = "KEY") String routingKey,
                @Option(names = {"-d", "--dedup-key"}, required = true, paramLabel = "KEY") String dedupKey) {
        return send("/v2/enqueue", event(routingKey, "resolve", dedupKey), "Resolved");
    }

    @Command(mixinStandardHelpOptions = true, name = "change",
            description = "Record a change (a deploy) on the service.")
    int change(@Option(names = {"-k", "--routing-key"}, required = true, paramLabel = "KEY") String routingKey,
               @Option(names = {"-s", "--summary"}, required = true, paramLabel = "TEXT") String summary,
               @Option(names = "--source", paramLabel = "WHERE") String source) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("summary", summary);
        if (source != null) {
            payload.put("source", source);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("payload", payload);
        return send("/v2/change/enqueue", event, "Recorded the change");
    }

    private static Map<String, Object> event(String routingKey, String action, String dedupKey) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", action);
        if (dedupKey != null) {
            event.put("dedup_key", dedupKey);
        }
        return event;
    }

    private int send(String path, Map<String, Object> event, String done) {
        JsonNode answer = root.api().post(path, event);
        if (!root.printedJson(answer)) {
            root.out().println(answer.hasNonNull("dedup_key") ? done + ": dedup key " + answer.get("dedup_key").asString()
                    : done + ".");
        }
        return 0;
    }

    private String hostName() {
        String host = root.env("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "tocsin-cli";
        }
    }
}
