package dev.tocsin.config;

import java.util.List;
import java.util.Map;

/**
 * The YAML file as written, before validation. Field names are snake_case in the file;
 * unknown fields are refused so that a typo is an error rather than a silently ignored setting.
 */
record RawConfig(
        List<RawSeverity> severities,
        List<RawService> services,
        List<RawUser> users,
        List<RawTeam> teams,
        RawRouting routing,
        List<RawApiKey> apiKeys,
        RawLimits limits,
        List<RawIntegration> integrations,
        List<ScheduleSpec> schedules,
        List<RawPolicy> escalationPolicies,
        List<RawChannel> channels,
        RawSmtp smtp,
        RawSlack slack,
        List<RawRoute> notificationRoutes,
        List<RawTemplate> templates,
        List<MonitorSpec> monitors,
        List<MaintenanceSpec> maintenanceWindows,
        RawStatusPage statusPage) {

    record RawSeverity(String id, String name, String responseTarget, String description, String updateInterval) {
    }

    record RawService(String id, String name, String description, String team,
                      List<String> integrationKeys, List<RawHeartbeat> heartbeats, String escalationPolicy,
                      RawAlertGrouping alertGrouping) {
    }

    record RawAlertGrouping(List<String> fields, String window) {
    }

    record RawHeartbeat(String name, String interval, String grace, String severity) {
    }

    record RawUser(String id, String name, String email, List<RawContactMethod> contactMethods,
                   List<RawNotificationRule> notificationRules, String passwordHash, String role) {
    }

    record RawContactMethod(String id, String type, String address, String secret, String previousSecret) {
    }

    record RawNotificationRule(String contactMethod, String after) {
    }

    record RawPolicy(String id, String name, Integer repeat, List<RawLevel> levels, Map<String, RawSeverityStart> severities) {
    }

    record RawLevel(String name, List<RawTarget> targets, String delay) {
    }

    record RawTarget(String user, String schedule) {
    }

    record RawSeverityStart(Integer startLevel, Integer throughLevel) {
    }

    record RawTeam(String id, String name, List<String> members) {
    }

    record RawRouting(Map<String, String> severityMap, List<RawRule> rules) {
    }

    record RawRule(String name, RawMatch match, String severity, String service, Boolean suppress) {
    }

    record RawMatch(String service, String severity, String source, String component, String group,
                    String eventClass, String summary, Map<String, String> labels) {
    }

    record RawApiKey(String name, String sha256, String scope, String user) {
    }

    record RawLimits(Integer maxBodyBytes, Integer apiRequestsPerSecond, Integer eventsPerSecond,
                     Integer ingestQueueCapacity) {
    }

    record RawIntegration(String name, String type, Boolean required, Map<String, String> settings) {
    }

    record RawChannel(String id, String type, String url, List<String> to, String secret, String previousSecret,
                      Boolean required, RawRateLimit rateLimit) {
    }

    record RawRateLimit(Integer messages, String per) {
    }

    /** {@code port} is text so that it can be an environment reference like every other setting here. */
    record RawSmtp(String host, String port, String username, String password, String from, String security) {
    }

    record RawSlack(String botToken, String apiUrl) {
    }

    record RawRoute(String name, List<String> services, List<String> severities, List<String> messages,
                    List<String> channels) {
    }

    record RawTemplate(String kind, String severity, String subject, String text) {
    }

    /** {@code publish} is {@code all}, {@code none} or a list of severities: read as a tree, told apart when checked. */
    record RawStatusPage(String title, String description, String logoUrl, List<String> services,
                         tools.jackson.databind.JsonNode publish) {
    }
}
