package dev.tocsin.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        List<ScheduleSpec> schedules,
        List<EscalationPolicy> escalationPolicies,
        Notifications notifications,
        List<MonitorSpec> monitors,
        List<MaintenanceSpec> maintenanceWindows,
        StatusPage statusPage) {

    /**
     * {@code escalationPolicy}: the policy paged when an incident opens on this service, or null for nobody;
     * {@code alertGrouping}: how the service's new alerts join an open incident instead of opening their own, or null
     * for never.
     */
    public record Service(String id, String name, String description, String team,
                          List<String> integrationKeys, List<Heartbeat> heartbeats, String escalationPolicy,
                          AlertGrouping alertGrouping) {
    }

    /**
     * PagerDuty's content-based and time-based alert grouping: a new alert joins the open incident of the service's
     * earlier alert whose {@code fields} had the same values (every alert of the service when there are none), while
     * that incident is open and, with a {@code window}, for that long after it opened. {@code fields} name the alert's
     * {@code source}, {@code component}, {@code group}, {@code class}, {@code severity} or {@code summary}, or one of its
     * labels as {@code labels.NAME}.
     */
    public record AlertGrouping(List<String> fields, Duration window) {
        public static final Set<String> ALERT_FIELDS = Set.of("source", "component", "group", "class", "severity", "summary");
    }

    /** A missed heartbeat raises an alert at {@code severity}, an event severity (critical … info). */
    public record Heartbeat(String name, Duration interval, Duration grace, String severity) {
    }

    /**
     * A person who can be on call, and with {@code passwordHash} (bcrypt) sign in to the web UI. Without declared
     * contact methods, a user with an e-mail address is reached by
     * e-mail; without notification rules, every contact method that can deliver is used at once.
     */
    public record User(String id, String name, String email, List<ContactMethod> contactMethods,
                       List<NotificationRule> notificationRules, String passwordHash, UserRole role) {

        /** Whether the user can sign in to the web UI (a bcrypt hash is configured). */
        public boolean canSignIn() {
            return passwordHash != null;
        }

        public boolean isObserver() {
            return role == UserRole.OBSERVER;
        }

        @Override
        public String toString() {
            return "User[id=" + id + "]";
        }

        public Optional<ContactMethod> contactMethod(String id) {
            return contactMethods.stream().filter(c -> c.id().equals(id)).findFirst();
        }
    }

    /**
     * How to reach a user: an e-mail address, a webhook URL, a Slack member id, or a phone number. {@code secret}
     * (webhooks only, optional) signs what Tocsin sends; {@code previousSecret} (only beside a secret) signs it too
     * while a receiver moves to the new secret. Addresses may be secrets (webhook URLs): never print them.
     */
    public record ContactMethod(String id, ContactType type, String address, String secret, String previousSecret) {

        public ContactMethod(String id, ContactType type, String address) {
            this(id, type, address, null, null);
        }

        @Override
        public String toString() {
            return "ContactMethod[id=" + id + ", type=" + type.wire() + "]";
        }
    }

    /**
     * What a person may do in the web UI. A responder does everything it offers; an observer (PagerDuty's stakeholder:
     * a manager, support, an executive) reads every page and changes nothing, and is never paged or on call. There is
     * no admin role: what needs an admin-scope API key (API keys, backups, defining monitors) the UI does not offer,
     * and the configuration file is the administrator's.
     */
    public enum UserRole {
        RESPONDER, OBSERVER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Optional<UserRole> fromWire(String value) {
            return java.util.Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
        }

        public static List<String> wires() {
            return java.util.Arrays.stream(values()).map(UserRole::wire).toList();
        }
    }

    public enum ContactType {
        EMAIL, SLACK, DISCORD, WEBHOOK, SMS, VOICE;

        /** Phone numbers are kept for an SMS or voice provider; Tocsin has none yet. */
        public boolean deliverable() {
            return this != SMS && this != VOICE;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** "After {@code after} without acknowledgement, notify me by {@code contactMethod}." */
    public record NotificationRule(String contactMethod, Duration after) {
    }

    /**
     * Who is paged, in order, until somebody acknowledges. After the last level the policy runs again from the start,
     * {@code repeat} more times. {@code severityStarts} lets a severity begin further down or page several levels at
     * once (levels are numbered from 1).
     */
    public record EscalationPolicy(String id, String name, int repeat, List<EscalationLevel> levels,
                                   Map<String, SeverityStart> severityStarts) {

        public SeverityStart startFor(String severity) {
            return severityStarts.getOrDefault(severity, new SeverityStart(1, 1));
        }
    }

    /** {@code delay}: how long to wait for an acknowledgement before the next level; null on a last level without repeat. */
    public record EscalationLevel(String name, List<EscalationTarget> targets, Duration delay) {
    }

    /** Exactly one of {@code user} and {@code schedule} is set. */
    public record EscalationTarget(String user, String schedule) {
    }

    /** The first step pages levels {@code startLevel} through {@code throughLevel} together. */
    public record SeverityStart(int startLevel, int throughLevel) {
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

    /** Where incident messages go besides the paged users: channels, how to reach them, what they hear, in what words. */
    public record Notifications(List<Channel> channels, Smtp smtp, SlackApi slack, List<NotificationRoute> routes,
                                List<Template> templates) {

        public static final Notifications NONE = new Notifications(List.of(), null, null, List.of(), List.of());

        public Optional<Channel> channel(String id) {
            return channels.stream().filter(c -> c.id().equals(id)).findFirst();
        }
    }

    /**
     * A shared destination such as a team's Slack channel or a stakeholder mailing list. {@code url} (chat and
     * webhook channels), {@code secret} and {@code previousSecret} (which also signs while receivers rotate) are
     * secrets; {@code to} lists e-mail recipients. A channel whose settings name unset environment variables is
     * degraded: it reports so in health and is not sent to.
     */
    public record Channel(String id, ChannelType type, String url, List<String> to, String secret,
                          String previousSecret, RateLimit rateLimit, boolean required, List<String> missingVariables) {

        public boolean degraded() {
            return !missingVariables.isEmpty();
        }

        @Override
        public String toString() {
            return "Channel[id=" + id + ", type=" + type.wire() + "]";
        }
    }

    public enum ChannelType {
        SLACK, DISCORD, TEAMS, EMAIL, WEBHOOK;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** At most {@code messages} sends per {@code per} to one destination; more are batched or wait. */
    public record RateLimit(int messages, Duration per) {

        /**
         * The provider's own limit, which holds without configuration: Discord 5 per 5 s per webhook (seed 001),
         * Slack 1 per second, Teams 4 per second; none for e-mail and generic webhooks.
         */
        public static RateLimit defaultFor(String type) {
            return switch (type) {
                case "discord" -> new RateLimit(5, Duration.ofSeconds(5));
                case "slack" -> new RateLimit(1, Duration.ofSeconds(1));
                case "teams" -> new RateLimit(4, Duration.ofSeconds(1));
                default -> null;
            };
        }
    }

    /** {@code security}: none, starttls or tls. */
    public record Smtp(String host, int port, String username, String password, String from, String security,
                       List<String> missingVariables) {

        public boolean degraded() {
            return !missingVariables.isEmpty();
        }

        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + "]";
        }
    }

    /** Slack's Web API, for contact methods that name a Slack member rather than a webhook. */
    public record SlackApi(String botToken, String apiUrl, List<String> missingVariables) {

        @Override
        public String toString() {
            return "SlackApi[apiUrl=" + apiUrl + "]";
        }
    }

    /**
     * Which channels hear which messages about which incidents. Empty {@code services} or {@code severities} match
     * all; {@code messages} are message kinds (opened, update, resolved). Every matching route applies.
     */
    public record NotificationRoute(String name, Set<String> services, Set<String> severities,
                                    Set<String> messages, List<String> channels) {

        /** The kinds of message a route can carry to channels. */
        public static final List<String> MESSAGES = List.of("opened", "update", "resolved");

        public boolean matches(String service, String severity, String message) {
            return (services.isEmpty() || services.contains(service))
                    && (severities.isEmpty() || severities.contains(severity))
                    && messages.contains(message);
        }
    }

    /** A message template as written in the file: Mustache text for one kind, optionally for one severity only. */
    public record Template(String kind, String severity, String subject, String text) {

        /** Every kind of message Tocsin writes; a template replaces the default of one. */
        public static final List<String> KINDS = List.of("page", "opened", "update", "resolved", "reminder", "test");
    }

    /**
     * The public status page: its title, a line under it, a logo, which services it shows as components (all, in file
     * order, when {@code services} is empty), and which of their incidents it publishes without anyone asking.
     */
    public record StatusPage(String title, String description, String logoUrl, List<String> services, Publish publish) {
    }

    /**
     * {@code status_page.publish}: the incidents the page shows unless a person chose otherwise for one. Every one
     * ({@code all}, the default), those of {@code severities}, or none ({@code none}: only what someone publishes).
     */
    public record Publish(boolean all, List<String> severities) {
        public static final Publish ALL = new Publish(true, List.of());
        public static final Publish NONE = new Publish(false, List.of());

        public Publish {
            severities = List.copyOf(severities);
        }

        public boolean publishes(String severity) {
            return all || severities.contains(severity);
        }

        /** As the file writes it: {@code all}, {@code none} or {@code [P0, P1]}. */
        public String wire() {
            return all ? "all" : severities.isEmpty() ? "none" : "[" + String.join(", ", severities) + "]";
        }
    }

    public Optional<Service> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<User> user(String id) {
        return users.stream().filter(u -> u.id().equals(id)).findFirst();
    }

    public Optional<EscalationPolicy> escalationPolicy(String id) {
        return escalationPolicies.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
