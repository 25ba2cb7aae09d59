package dev.tocsin.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The validated configuration: everything declared as code, immutable once loaded. */
public record TocsinConfig(
        String source,
        String sha256,
        SeverityScale severities,
        List<Service> services,
        List<User> users,
        List<Team> teams,
        List<RoutingRule> routingRules,
        List<ApiKey> apiKeys,
        Limits limits,
        List<Integration> integrations,
        List<ScheduleSpec> schedules) {

    public record Service(String id, String name, String description, String team,
                          List<String> integrationKeys, List<Heartbeat> heartbeats) {
    }

    /** A missed heartbeat raises an alert at {@code severity}, an event severity (critical … info). */
    public record Heartbeat(String name, Duration interval, Duration grace, String severity) {
    }

    public record User(String id, String name, String email) {
    }

    public record Team(String id, String name, List<String> members) {
    }

    /** First matching rule wins; a null field in the match is "any". */
    public record RoutingRule(String name, Match match, String severity, String service, boolean suppress) {
    }

    public record Match(String service, String severity, String source, String component, String group,
                        String eventClass, Pattern summary, Map<String, String> labels) {
    }

    /** An API key declared in config by the SHA-256 of its secret, so the file holds no secret. */
    public record ApiKey(String name, String sha256, String scope, String user) {
    }

    public record Limits(int maxBodyBytes, int apiRequestsPerSecond, int eventsPerSecond, int ingestQueueCapacity) {
        public static final Limits DEFAULTS = new Limits(512 * 1024, 50, 1000, 20_000);
    }

    /**
     * An external integration (a notification channel, a data source). Its settings may reference
     * environment variables; if one is missing the integration is degraded, or start-up is refused
     * when the integration is required.
     */
    public record Integration(String name, String type, boolean required, Map<String, String> settings,
                              List<String> missingVariables) {
        public boolean degraded() {
            return !missingVariables.isEmpty();
        }
    }

    public Optional<Service> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<User> user(String id) {
        return users.stream().filter(u -> u.id().equals(id)).findFirst();
    }
}
