package dev.tocsin.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import dev.tocsin.text.Sha256;
import dev.tocsin.text.SqlText;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.CollectedProblem;
import tools.jackson.databind.exc.DeferredBindingException;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the YAML configuration and validates it into a {@link TocsinConfig}. Every problem found is
 * reported at once, each with the path of the field and what was expected, so one edit fixes them all.
 */
public final class ConfigLoader {

    static final String CLASSPATH_PREFIX = "classpath:";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    /** {@code ${NAME}}, or {@code ${NAME:-default}} for a value to use when NAME is unset or empty. */
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s]+");
    private static final Pattern SLACK_MEMBER = Pattern.compile("[UW][A-Z0-9]{6,20}");
    private static final Pattern BCRYPT = Pattern.compile("(\\{bcrypt})?\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Set<String> SCOPES = Set.of("calendar", "read", "write", "admin");
    /** The scopes of a key that acts for an observer: reading only. */
    private static final Set<String> OBSERVER_SCOPES = Set.of("calendar", "read");
    private static final Set<String> INTEGRATION_TYPES = Set.of("slack", "discord", "teams", "email", "webhook", "other");

    /** SnakeYAML stops at 3 MB by default; a file with tens of thousands of monitors is larger, and ours to read. */
    private static final int MAX_FILE_CODE_POINTS = 64 * 1024 * 1024;

    private final YAMLMapper yaml = YAMLMapper.builder(YAMLFactory.builder()
                    .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_FILE_CODE_POINTS).build()).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // A list item left empty ("- ") is read as "", which Jackson refuses for an object in its own words; as
            // null it is named like "- null", by its path.
            .withCoercionConfig(LogicalType.POJO, c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull))
            .build();
    private final UnaryOperator<String> environment;
    private final List<ConfigRules> featureRules;

    /** Checks the file's shape and references only, without the rules the features own. */
    public ConfigLoader(UnaryOperator<String> environment) {
        this(environment, List.of());
    }

    /** Checks the file as the server does: its shape and references, then each feature's rules, in this order. */
    public ConfigLoader(UnaryOperator<String> environment, List<ConfigRules> featureRules) {
        this.environment = environment;
        this.featureRules = List.copyOf(featureRules);
    }

    public TocsinConfig load(String location) {
        byte[] bytes = read(location);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw new ConfigException(location, List.of("the file is empty: expected at least 'severities' and 'services'"));
        }
        RawConfig raw;
        try {
            List<String> unstorable = new ArrayList<>();
            unstorableText(yaml.readTree(bytes), "", unstorable);
            if (!unstorable.isEmpty()) {
                throw new ConfigException(location, unstorable);
            }
            // Every unknown field and wrong type at once, as the checks after this report theirs, not the first alone.
            raw = yaml.readerFor(RawConfig.class).problemCollectingReader().readValueCollectingProblems(bytes);
        } catch (DeferredBindingException e) {
            throw new ConfigException(location, e.getProblems().stream().map(ConfigLoader::describe).toList());
        } catch (JacksonException e) {
            throw new ConfigException(location, List.of(describe(e)));
        }
        if (raw == null) {
            throw new ConfigException(location, List.of("the file is empty: expected at least 'severities' and 'services'"));
        }
        TocsinConfig config = new Validation(location, Sha256.hex(bytes)).validate(raw);
        // Every feature's problems in one report: a file broken in two features should not take two restarts to fix.
        List<String> problems = new ArrayList<>();
        featureRules.forEach(rules -> problems.addAll(rules.problems(config)));
        if (!problems.isEmpty()) {
            throw new ConfigException(location, problems);
        }
        return config;
    }

    /**
     * Text a database cannot store alike (a NUL character, half of a UTF-16 pair: YAML can write both as escapes), by its
     * path. Names and descriptions are synced into the database, where PostgreSQL would refuse the first with an SQL
     * error at start-up instead of this message (SqlText).
     */
    private static void unstorableText(JsonNode node, String path, List<String> problems) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            String problem = SqlText.problem(node.asString());
            if (problem != null) {
                problems.add((path.isEmpty() ? "" : path + ": ") + problem);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                unstorableText(node.get(i), path + "[" + i + "]", problems);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                String problem = SqlText.problem(field.getKey());
                if (problem != null) {
                    problems.add(fieldPath + ": the field's name " + problem);
                }
                unstorableText(field.getValue(), fieldPath, problems);
            }
        }
    }

    private static byte[] read(String location) {
        try {
            if (location.startsWith(CLASSPATH_PREFIX)) {
                String resource = location.substring(CLASSPATH_PREFIX.length());
                try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ConfigException(location, List.of("no such resource inside the Tocsin jar"));
                    }
                    return in.readAllBytes();
                }
            }
            return Files.readAllBytes(Path.of(location));
        } catch (NoSuchFileException e) {
            throw new ConfigException(location, List.of("file not found (set TOCSIN_CONFIG to the path of your tocsin.yml)"));
        } catch (IOException e) {
            throw new ConfigException(location, List.of("cannot be read: " + e.getMessage()));
        }
    }

    private static String describe(JacksonException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
        return describe(path, e.getOriginalMessage());
    }

    private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("^Unknown property '([^']*)'");
    private static final Pattern NOT_CONVERTIBLE = Pattern.compile("^Cannot deserialize value '(.*)' to `(?:[\\w.]*\\.)?(\\w+)`");

    /**
     * A problem the reader collected, by the path of its field: its JSON pointer ({@code /severities/0}) points at the
     * object, and the unknown property's name is in the message.
     */
    private static String describe(CollectedProblem problem) {
        StringBuilder path = new StringBuilder();
        for (JsonPointer p = problem.getPath(); p != null && !p.matches(); p = p.tail()) {
            String segment = p.getMatchingProperty();
            path.append(p.mayMatchElement() && segment.matches("\\d+") ? "[" + segment + "]" : "." + segment);
        }
        String message = String.valueOf(problem.getMessage());
        Matcher unknown = UNKNOWN_PROPERTY.matcher(message);
        if (unknown.find()) {
            path.append('.').append(unknown.group(1));
            message = "unknown field";
        }
        Matcher wrong = NOT_CONVERTIBLE.matcher(message);
        if (wrong.find()) {
            message = "wrong type: expected " + switch (wrong.group(2)) {
                case "Integer", "Long", "int", "long" -> "a whole number";
                case "Boolean", "boolean" -> "true or false";
                case "String" -> "text";
                default -> wrong.group(2);
            } + ", got '" + wrong.group(1) + "'";
        }
        return describe(path.toString().replaceFirst("^\\.", ""), message);
    }

    private static String describe(String path, String original) {
        String message = original;
        if (message != null && message.startsWith("Unrecognized property")) {
            message = "unknown field";
        } else if (message != null && message.contains("Cannot deserialize value of type")) {
            message = "wrong type: " + message.replaceAll("\\(.*", "").replace("Cannot deserialize value of type", "expected")
                    .replace("`java.util.List<", "a list of `").replace("java.lang.", "").replace("dev.tocsin.config.RawConfig$Raw", "");
        }
        // No line number: the YAML parser reports where it stopped, often the line after the bad field.
        return (path.isEmpty() ? "" : path + ": ") + message;
    }

    /** One validation pass over one file; collects problems rather than stopping at the first. */
    private final class Validation {
        private final String location;
        private final String sha256;
        private final List<String> problems = new ArrayList<>();

        Validation(String location, String sha256) {
            this.location = location;
            this.sha256 = sha256;
        }

        TocsinConfig validate(RawConfig raw) {
            SeverityScale scale = severities(raw.severities(), raw.routing());
            List<TocsinConfig.User> users = users(raw.users());
            Set<String> userIds = users.stream().map(TocsinConfig.User::id).collect(Collectors.toSet());
            List<TocsinConfig.Team> teams = teams(raw.teams(), userIds);
            Set<String> teamIds = teams.stream().map(TocsinConfig.Team::id).collect(Collectors.toSet());
            // Schedules are checked by the on-call feature, which owns their rules (see oncall.Schedules).
            List<ScheduleSpec> schedules = entries("schedules", raw.schedules());
            Set<String> scheduleIds = schedules.stream().filter(s -> s.id() != null)
                    .map(ScheduleSpec::id).collect(Collectors.toSet());
            Map<String, TocsinConfig.User> usersById = users.stream()
                    .collect(Collectors.toMap(TocsinConfig.User::id, u -> u, (a, b) -> a));
            List<TocsinConfig.EscalationPolicy> policies = policies(raw.escalationPolicies(), usersById, scheduleIds, scale);
            Set<String> policyIds = policies.stream().map(TocsinConfig.EscalationPolicy::id).collect(Collectors.toSet());
            List<TocsinConfig.Service> services = services(raw.services(), teamIds, policyIds);
            Set<String> serviceIds = services.stream().map(TocsinConfig.Service::id).collect(Collectors.toSet());
            List<TocsinConfig.RoutingRule> rules = rules(raw.routing(), scale, serviceIds);
            List<TocsinConfig.ApiKey> apiKeys = apiKeys(raw.apiKeys(), usersById);
            TocsinConfig.Limits limits = limits(raw.limits());
            List<TocsinConfig.Integration> integrations = integrations(raw.integrations());
            TocsinConfig.Notifications notifications = new NotificationsValidation(this::problem, this::resolve)
                    .validate(raw, scale, serviceIds);
            List<MonitorSpec> monitorEntries = entries("monitors", raw.monitors());
            List<MaintenanceSpec> maintenance = entries("maintenance_windows", raw.maintenanceWindows());
            if (!problems.isEmpty()) {
                throw new ConfigException(location, problems);
            }
            // Monitors and maintenance windows are checked by the monitoring feature, which owns their rules.
            List<MonitorSpec> monitors = monitorEntries.stream().map(m -> m.resolved(this::resolve)).toList();
            TocsinConfig.StatusPage statusPage = statusPage(raw.statusPage(), serviceIds, scale);
            if (!problems.isEmpty()) {
                throw new ConfigException(location, problems);
            }
            return new TocsinConfig(location, sha256, scale, services, users, teams, rules, apiKeys, limits, integrations,
                    schedules, policies, notifications, monitors, maintenance, statusPage);
        }

        private void problem(String path, String expected) {
            problems.add(path + ": " + expected);
        }

        /**
         * A section whose entries the features check, without its empty entries, each named as a problem: the file is
         * then refused before any feature reads the list, so the indexes its paths use never see the gap.
         */
        private <T> List<T> entries(String section, List<T> raw) {
            if (raw == null) {
                return List.of();
            }
            List<T> out = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                if (present(section + "[" + i + "]", raw.get(i))) {
                    out.add(raw.get(i));
                }
            }
            return List.copyOf(out);
        }

        /** An entry of a list that is there: a "- null" or "- ~" line is named, never dropped without a word. */
        private boolean present(String path, Object entry) {
            if (entry == null) {
                problem(path, "empty: give the entry's fields, or remove the line");
                return false;
            }
            return true;
        }

        private boolean id(String path, String value) {
            if (value == null || value.isBlank()) {
                problem(path, "required");
                return false;
            }
            if (!ID.matcher(value).matches()) {
                problem(path, "expected lower-case letters, digits, '.', '_' or '-' (at most 100), got '" + value + "'");
                return false;
            }
            return true;
        }

        private SeverityScale severities(List<RawConfig.RawSeverity> raw, RawConfig.RawRouting routing) {
            if (raw == null || raw.isEmpty()) {
                problem("severities", "required: a list of levels, most urgent first (e.g. P0 with response_target 5m)");
                return new SeverityScale(List.of(), Map.of());
            }
            List<SeverityScale.Level> levels = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < raw.size(); i++) {
                RawConfig.RawSeverity s = raw.get(i);
                String path = "severities[" + i + "]";
                if (s == null) {
                    problem(path, "expected a severity level");
                    continue;
                }
                if (s.id() == null || !s.id().matches("[A-Za-z0-9_-]{1,40}")) {
                    problem(path + ".id", "expected a short name such as P0 or SEV1, got " + quoted(s.id()));
                    continue;
                }
                if (!seen.add(s.id())) {
                    problem(path + ".id", "duplicate severity '" + s.id() + "'");
                }
                Duration target = duration(path + ".response_target", s.responseTarget(), true);
                Duration updates = s.updateInterval() == null ? null
                        : duration(path + ".update_interval", s.updateInterval(), true);
                levels.add(new SeverityScale.Level(s.id(), s.name() == null ? s.id() : s.name(), i, target,
                        s.description() == null ? "" : s.description(), updates));
            }
            Map<String, String> map = new LinkedHashMap<>();
            List<String> events = SeverityScale.EVENT_SEVERITIES;
            for (int i = 0; i < events.size() && !levels.isEmpty(); i++) {
                map.put(events.get(i), levels.get(Math.min(i, levels.size() - 1)).id());
            }
            if (routing != null && routing.severityMap() != null) {
                routing.severityMap().forEach((event, level) -> {
                    String path = "routing.severity_map." + event;
                    if (!events.contains(event)) {
                        problem(path, "expected one of " + events + " as the key");
                    } else if (!seen.contains(level)) {
                        problem(path, "unknown severity " + quoted(level) + ", expected one of " + seen);
                    } else {
                        map.put(event, level);
                    }
                });
            }
            return new SeverityScale(List.copyOf(levels), Map.copyOf(map));
        }

        private Duration duration(String path, String text, boolean required) {
            if (text == null) {
                if (required) {
                    problem(path, "required: a duration such as 5m, 1h or 24h");
                }
                return Duration.ZERO;
            }
            try {
                Duration d = Durations.parse(text);
                if (d.isZero() || d.isNegative()) {
                    problem(path, "expected a positive duration, got '" + text + "'");
                }
                return d;
            } catch (IllegalArgumentException e) {
                problem(path, "expected " + e.getMessage());
                return Duration.ZERO;
            }
        }

        private List<TocsinConfig.User> users(List<RawConfig.RawUser> raw) {
            List<TocsinConfig.User> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawUser u = raw.get(i);
                String path = "users[" + i + "]";
                if (!present(path, u) || !id(path + ".id", u.id())) {
                    continue;
                }
                if (!seen.add(u.id())) {
                    problem(path + ".id", "duplicate user '" + u.id() + "'");
                }
                if (u.email() != null && !EMAIL.matcher(u.email()).matches()) {
                    problem(path + ".email", "expected an e-mail address, got '" + u.email() + "'");
                }
                List<TocsinConfig.ContactMethod> methods = contactMethods(path, u);
                List<String> unsetForHash = new ArrayList<>();
                String hash = u.passwordHash() == null ? null : resolve(u.passwordHash(), unsetForHash);
                if (!unsetForHash.isEmpty()) {
                    problem(path + ".password_hash", "needs the environment variable(s) " + unsetForHash + ", which are not set");
                    hash = null;
                } else if (hash != null && !BCRYPT.matcher(hash).matches()) {
                    // Never echo it: a mistake here may be a plain password.
                    problem(path + ".password_hash", "expected a bcrypt hash ($2a$…, $2b$… or {bcrypt}$2…), "
                            + "not a password: see docs/ui.md for how to make one");
                    hash = null;
                }
                out.add(new TocsinConfig.User(u.id(), u.name() == null ? u.id() : u.name(), u.email(), methods,
                        notificationRules(path, u.notificationRules(), methods), hash, role(path + ".role", u.role())));
            }
            return List.copyOf(out);
        }

        /** Responder unless the file says otherwise: a file written before roles existed keeps what everyone could do. */
        private TocsinConfig.UserRole role(String path, String text) {
            if (text == null) {
                return TocsinConfig.UserRole.RESPONDER;
            }
            Optional<TocsinConfig.UserRole> role = TocsinConfig.UserRole.fromWire(text);
            if (role.isEmpty()) {
                // "admin" is the likely guess: say where administration lives instead of only what is allowed.
                problem(path, "unknown role " + quoted(text) + ", expected one of " + TocsinConfig.UserRole.wires()
                        + ("admin".equals(text) ? " (there is no admin role: the configuration file and admin-scope "
                        + "API keys administer Tocsin)" : ""));
                return TocsinConfig.UserRole.RESPONDER;
            }
            return role.get();
        }

        private List<TocsinConfig.ContactMethod> contactMethods(String userPath, RawConfig.RawUser u) {
            if (u.contactMethods() == null) {
                // The common case needs no declaration: a user with an e-mail address is paged by e-mail.
                return u.email() == null ? List.of()
                        : List.of(new TocsinConfig.ContactMethod("email", TocsinConfig.ContactType.EMAIL, u.email()));
            }
            List<TocsinConfig.ContactMethod> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < u.contactMethods().size(); i++) {
                RawConfig.RawContactMethod c = u.contactMethods().get(i);
                String path = userPath + ".contact_methods[" + i + "]";
                if (!present(path, c) || !id(path + ".id", c.id())) {
                    continue;
                }
                if (!seen.add(c.id())) {
                    problem(path + ".id", "duplicate contact method '" + c.id() + "'");
                }
                TocsinConfig.ContactType type = contactType(path + ".type", c.type());
                if (type == null) {
                    continue;
                }
                List<String> unset = new ArrayList<>();
                String address = c.address() == null ? null : resolve(c.address(), unset);
                if (!unset.isEmpty()) {
                    problem(path + ".address", "needs the environment variable(s) " + unset + ", which are not set");
                    continue;
                }
                String expected = addressProblem(type, address);
                if (expected != null) {
                    // A webhook URL is a secret even when mistyped: echo only addresses that are not.
                    boolean secret = type == TocsinConfig.ContactType.SLACK || type == TocsinConfig.ContactType.DISCORD
                            || type == TocsinConfig.ContactType.WEBHOOK;
                    problem(path + ".address", expected + (address == null || secret ? "" : ", got '" + address + "'"));
                    continue;
                }
                String secret = contactSecret(path + ".secret", c.secret(), type);
                String previousSecret = contactSecret(path + ".previous_secret", c.previousSecret(), type);
                if (c.previousSecret() != null && c.secret() == null) {
                    problem(path + ".previous_secret", "needs a 'secret': the previous secret signs beside the "
                            + "current one while the receiver moves to it (set the new one as 'secret')");
                }
                out.add(new TocsinConfig.ContactMethod(c.id(), type, address, secret, previousSecret));
            }
            return List.copyOf(out);
        }

        /** A webhook contact method's secret or previous secret, as it signs; null if there is none. */
        private String contactSecret(String path, String raw, TocsinConfig.ContactType type) {
            if (raw == null) {
                return null;
            }
            if (type != TocsinConfig.ContactType.WEBHOOK) {
                problem(path, "only webhook contact methods are signed; remove it for " + type.wire());
            }
            List<String> unset = new ArrayList<>();
            String secret = resolve(raw, unset);
            if (!unset.isEmpty()) {
                // Left empty, every message to this method would fail when it is signed (an HMAC needs a key).
                problem(path, "needs the environment variable(s) " + unset + ", which are not set");
            } else if (secret.isEmpty()) {
                problem(path, "must not be empty (leave it out for unsigned messages)");
            }
            return secret;
        }

        private TocsinConfig.ContactType contactType(String path, String text) {
            for (TocsinConfig.ContactType t : TocsinConfig.ContactType.values()) {
                if (t.wire().equals(text)) {
                    return t;
                }
            }
            problem(path, "expected one of email, slack, discord, webhook, sms, voice, got " + quoted(text));
            return null;
        }

        /** What the address of a contact method of this type should look like, or null when it does. */
        private static String addressProblem(TocsinConfig.ContactType type, String address) {
            boolean ok = address != null && switch (type) {
                case EMAIL -> EMAIL.matcher(address).matches();
                case SLACK -> HTTP_URL.matcher(address).matches() || SLACK_MEMBER.matcher(address).matches();
                case DISCORD, WEBHOOK -> HTTP_URL.matcher(address).matches();
                case SMS, VOICE -> PHONE.matcher(address).matches();
            };
            if (ok) {
                return null;
            }
            return switch (type) {
                case EMAIL -> "expected an e-mail address";
                case SLACK -> "expected a Slack incoming-webhook URL or a Slack member id such as U024BE7LH";
                case DISCORD -> "expected a Discord webhook URL (https://discord.com/api/webhooks/…)";
                case WEBHOOK -> "expected an http or https URL";
                case SMS, VOICE -> "expected a phone number in international form, such as +4915112345678";
            };
        }

        private List<TocsinConfig.NotificationRule> notificationRules(String userPath, List<RawConfig.RawNotificationRule> raw,
                                                                      List<TocsinConfig.ContactMethod> methods) {
            if (raw == null) {
                // Without rules, every contact method that can deliver is used as soon as the user is paged.
                return methods.stream().filter(m -> m.type().deliverable())
                        .map(m -> new TocsinConfig.NotificationRule(m.id(), Duration.ZERO)).toList();
            }
            List<TocsinConfig.NotificationRule> out = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                RawConfig.RawNotificationRule r = raw.get(i);
                String path = userPath + ".notification_rules[" + i + "]";
                if (r == null) {
                    problem(path, "expected a rule with 'contact_method' and 'after'");
                    continue;
                }
                var method = methods.stream().filter(m -> m.id().equals(r.contactMethod())).findFirst();
                if (method.isEmpty()) {
                    problem(path + ".contact_method", "unknown contact method " + quoted(r.contactMethod()) + ", expected one of "
                            + methods.stream().map(TocsinConfig.ContactMethod::id).toList());
                    continue;
                }
                if (!method.get().type().deliverable()) {
                    problem(path + ".contact_method", "'" + method.get().id() + "' is a phone number for " + method.get().type().wire()
                            + ", and Tocsin has no " + method.get().type().wire()
                            + " provider yet: use e-mail, Slack, Discord or a webhook");
                    continue;
                }
                Duration after = r.after() == null ? Duration.ZERO : delay(path + ".after", r.after());
                out.add(new TocsinConfig.NotificationRule(method.get().id(), after));
            }
            return List.copyOf(out);
        }

        /** A duration that may be zero ("at once"). */
        private Duration delay(String path, String text) {
            try {
                Duration d = Durations.parse(text);
                if (d.isNegative()) {
                    problem(path, "expected zero or a positive duration, got '" + text + "'");
                }
                return d;
            } catch (IllegalArgumentException e) {
                problem(path, "expected " + e.getMessage());
                return Duration.ZERO;
            }
        }

        private List<TocsinConfig.EscalationPolicy> policies(List<RawConfig.RawPolicy> raw, Map<String, TocsinConfig.User> users,
                                                             Set<String> scheduleIds, SeverityScale scale) {
            List<TocsinConfig.EscalationPolicy> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawPolicy p = raw.get(i);
                String path = "escalation_policies[" + i + "]";
                if (p == null) {
                    problem(path, "expected a policy with 'id' and 'levels'");
                    continue;
                }
                // A policy without a usable id is still checked to the end, so that its other problems join this report.
                boolean named = id(path + ".id", p.id());
                if (named && !seen.add(p.id())) {
                    problem(path + ".id", "duplicate escalation policy '" + p.id() + "'");
                }
                int repeat = p.repeat() == null ? 0 : p.repeat();
                if (repeat < 0 || repeat > 10) {
                    problem(path + ".repeat", "expected 0 to 10 (how many more times to run the policy), got " + repeat);
                }
                List<RawConfig.RawLevel> rawLevels = p.levels() == null ? List.of() : p.levels();
                if (rawLevels.isEmpty()) {
                    problem(path + ".levels", "required: at least one level with targets");
                }
                List<TocsinConfig.EscalationLevel> levels = new ArrayList<>();
                for (int j = 0; j < rawLevels.size(); j++) {
                    levels.add(level(path + ".levels[" + j + "]", rawLevels.get(j), j == rawLevels.size() - 1, repeat > 0,
                            users, scheduleIds));
                }
                Map<String, TocsinConfig.SeverityStart> starts = new LinkedHashMap<>();
                if (p.severities() != null) {
                    p.severities().forEach((severity, start) -> {
                        String startPath = path + ".severities." + severity;
                        if (!scale.contains(severity)) {
                            problem(startPath, "unknown severity '" + severity + "', expected one of " + scale.ids());
                            return;
                        }
                        int from = start == null || start.startLevel() == null ? 1 : start.startLevel();
                        int through = start == null || start.throughLevel() == null ? from : start.throughLevel();
                        if (from < 1 || from > levels.size()) {
                            problem(startPath + ".start_level", "expected a level from 1 to " + levels.size() + ", got " + from);
                        } else if (through < from || through > levels.size()) {
                            problem(startPath + ".through_level", "expected a level from " + from + " to " + levels.size()
                                    + ", got " + through);
                        } else {
                            starts.put(severity, new TocsinConfig.SeverityStart(from, through));
                        }
                    });
                }
                if (named) {
                    out.add(new TocsinConfig.EscalationPolicy(p.id(), p.name() == null ? p.id() : p.name(), repeat,
                            List.copyOf(levels), Map.copyOf(starts)));
                }
            }
            return List.copyOf(out);
        }

        private TocsinConfig.EscalationLevel level(String path, RawConfig.RawLevel raw, boolean last, boolean repeats,
                                                   Map<String, TocsinConfig.User> users, Set<String> scheduleIds) {
            if (raw == null) {
                problem(path, "expected a level with 'targets' and 'delay'");
                return new TocsinConfig.EscalationLevel(null, List.of(), null);
            }
            List<TocsinConfig.EscalationTarget> targets = new ArrayList<>();
            List<RawConfig.RawTarget> rawTargets = raw.targets() == null ? List.of() : raw.targets();
            if (rawTargets.isEmpty()) {
                problem(path + ".targets", "required: at least one {user: …} or {schedule: …}");
            }
            for (int k = 0; k < rawTargets.size(); k++) {
                RawConfig.RawTarget t = rawTargets.get(k);
                String targetPath = path + ".targets[" + k + "]";
                if (t == null || (t.user() == null) == (t.schedule() == null)) {
                    problem(targetPath, "expected exactly one of 'user' or 'schedule'");
                } else if (t.user() != null && !users.containsKey(t.user())) {
                    problem(targetPath + ".user", "unknown user " + quoted(t.user()));
                } else if (t.user() != null && users.get(t.user()).isObserver()) {
                    // As in PagerDuty, observers cannot be on call: nobody would answer the page.
                    problem(targetPath + ".user", quoted(t.user()) + " is an observer, and observers are never paged: "
                            + "name a responder, or make them one (role: responder)");
                } else if (t.schedule() != null && !scheduleIds.contains(t.schedule())) {
                    problem(targetPath + ".schedule", "unknown schedule " + quoted(t.schedule()));
                } else {
                    targets.add(new TocsinConfig.EscalationTarget(t.user(), t.schedule()));
                }
            }
            Duration delay = null;
            if (raw.delay() != null) {
                delay = duration(path + ".delay", raw.delay(), true);
            } else if (!last) {
                problem(path + ".delay", "required: how long to wait for an acknowledgement before the next level, such as 15m");
            } else if (repeats) {
                problem(path + ".delay", "required on the last level when the policy repeats: how long to wait before starting again");
            }
            return new TocsinConfig.EscalationLevel(raw.name(), List.copyOf(targets), delay);
        }

        private List<TocsinConfig.Team> teams(List<RawConfig.RawTeam> raw, Set<String> userIds) {
            List<TocsinConfig.Team> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawTeam t = raw.get(i);
                String path = "teams[" + i + "]";
                if (!present(path, t) || !id(path + ".id", t.id())) {
                    continue;
                }
                if (!seen.add(t.id())) {
                    problem(path + ".id", "duplicate team '" + t.id() + "'");
                }
                List<String> members = t.members() == null ? List.of() : t.members();
                for (int j = 0; j < members.size(); j++) {
                    if (!userIds.contains(members.get(j))) {
                        problem(path + ".members[" + j + "]", "unknown user " + quoted(members.get(j)));
                    }
                }
                out.add(new TocsinConfig.Team(t.id(), t.name() == null ? t.id() : t.name(), List.copyOf(members)));
            }
            return List.copyOf(out);
        }

        private List<TocsinConfig.Service> services(List<RawConfig.RawService> raw, Set<String> teamIds, Set<String> policyIds) {
            List<TocsinConfig.Service> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Map<String, String> keyOwner = new HashMap<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawService s = raw.get(i);
                String path = "services[" + i + "]";
                if (!present(path, s) || !id(path + ".id", s.id())) {
                    continue;
                }
                if (!seen.add(s.id())) {
                    problem(path + ".id", "duplicate service '" + s.id() + "'");
                }
                if (s.team() != null && !teamIds.contains(s.team())) {
                    problem(path + ".team", "unknown team " + quoted(s.team()));
                }
                if (s.escalationPolicy() != null && !policyIds.contains(s.escalationPolicy())) {
                    problem(path + ".escalation_policy", "unknown escalation policy " + quoted(s.escalationPolicy()));
                }
                List<String> written = s.integrationKeys() == null ? List.of() : s.integrationKeys();
                List<String> keys = new ArrayList<>();
                for (int j = 0; j < written.size(); j++) {
                    // A key is a secret: config as code may keep it in the environment, as ${VAR}.
                    List<String> unset = new ArrayList<>();
                    String key = resolve(written.get(j), unset);
                    keys.add(key);
                    String keyPath = path + ".integration_keys[" + j + "]";
                    if (!unset.isEmpty()) {
                        problem(keyPath, "needs the environment variable(s) " + unset + ", which are not set");
                    } else if (key == null || !key.matches("[A-Za-z0-9_-]{16,64}")) {
                        problem(keyPath, "expected 16 to 64 letters, digits, '_' or '-' (a random routing key)");
                    } else if (keyOwner.putIfAbsent(key, s.id()) != null) {
                        problem(keyPath, "the same key is already used by service '" + keyOwner.get(key) + "'");
                    }
                }
                List<TocsinConfig.Heartbeat> heartbeats = new ArrayList<>();
                List<RawConfig.RawHeartbeat> rawBeats = s.heartbeats() == null ? List.of() : s.heartbeats();
                Set<String> beatNames = new HashSet<>();
                for (int j = 0; j < rawBeats.size(); j++) {
                    RawConfig.RawHeartbeat h = rawBeats.get(j);
                    String beatPath = path + ".heartbeats[" + j + "]";
                    if (!present(beatPath, h) || !id(beatPath + ".name", h.name())) {
                        continue;
                    }
                    if (!beatNames.add(h.name())) {
                        problem(beatPath + ".name", "duplicate heartbeat '" + h.name() + "'");
                    }
                    Duration interval = duration(beatPath + ".interval", h.interval(), true);
                    Duration grace = h.grace() == null ? Duration.ofMinutes(1) : duration(beatPath + ".grace", h.grace(), false);
                    String severity = h.severity() == null ? "critical" : h.severity();
                    if (!SeverityScale.EVENT_SEVERITIES.contains(severity)) {
                        problem(beatPath + ".severity", "expected one of " + SeverityScale.EVENT_SEVERITIES + ", got '" + severity + "'");
                    }
                    heartbeats.add(new TocsinConfig.Heartbeat(h.name(), interval, grace, severity));
                }
                out.add(new TocsinConfig.Service(s.id(), s.name() == null ? s.id() : s.name(),
                        s.description() == null ? "" : s.description(), s.team(), List.copyOf(keys), List.copyOf(heartbeats),
                        s.escalationPolicy(), alertGrouping(path + ".alert_grouping", s.alertGrouping())));
            }
            return List.copyOf(out);
        }

        private TocsinConfig.AlertGrouping alertGrouping(String path, RawConfig.RawAlertGrouping raw) {
            if (raw == null) {
                return null;
            }
            List<String> fields = raw.fields() == null ? List.of() : raw.fields();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < fields.size(); i++) {
                String field = fields.get(i);
                String fieldPath = path + ".fields[" + i + "]";
                boolean label = field != null && field.startsWith("labels.") && field.length() > "labels.".length();
                if (field == null || !(label || TocsinConfig.AlertGrouping.ALERT_FIELDS.contains(field))) {
                    problem(fieldPath, "expected one of " + new TreeSet<>(TocsinConfig.AlertGrouping.ALERT_FIELDS)
                            + " or labels.NAME, got " + quoted(field));
                } else if (!seen.add(field)) {
                    problem(fieldPath, "duplicate field '" + field + "'");
                }
            }
            Duration window = null;
            if (raw.window() != null) {
                window = duration(path + ".window", raw.window(), true);
                if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
                    problem(path + ".window", "expected between 1m and 24h (or no window: until the incident is resolved), got '"
                            + raw.window() + "'");
                }
            }
            return new TocsinConfig.AlertGrouping(List.copyOf(fields), window);
        }

        private List<TocsinConfig.RoutingRule> rules(RawConfig.RawRouting routing, SeverityScale scale, Set<String> serviceIds) {
            List<TocsinConfig.RoutingRule> out = new ArrayList<>();
            List<RawConfig.RawRule> raw = routing == null || routing.rules() == null ? List.of() : routing.rules();
            for (int i = 0; i < raw.size(); i++) {
                RawConfig.RawRule r = raw.get(i);
                String path = "routing.rules[" + i + "]";
                if (r == null) {
                    problem(path, "expected a rule with 'match' and one of 'severity', 'service', 'suppress'");
                    continue;
                }
                RawConfig.RawMatch m = r.match() == null
                        ? new RawConfig.RawMatch(null, null, null, null, null, null, null, null) : r.match();
                if (m.service() != null && !serviceIds.contains(m.service())) {
                    problem(path + ".match.service", "unknown service " + quoted(m.service()));
                }
                if (m.severity() != null && !SeverityScale.EVENT_SEVERITIES.contains(m.severity())) {
                    problem(path + ".match.severity", "expected one of " + SeverityScale.EVENT_SEVERITIES);
                }
                Pattern summary = null;
                if (m.summary() != null) {
                    try {
                        summary = Pattern.compile(m.summary());
                    } catch (PatternSyntaxException e) {
                        problem(path + ".match.summary", "expected a regular expression: " + e.getDescription()
                                + " at index " + e.getIndex());
                    }
                }
                if (r.severity() != null && !scale.contains(r.severity())) {
                    problem(path + ".severity", "unknown severity " + quoted(r.severity()) + ", expected one of " + scale.ids());
                }
                if (r.service() != null && !serviceIds.contains(r.service())) {
                    problem(path + ".service", "unknown service " + quoted(r.service()));
                }
                boolean suppress = Boolean.TRUE.equals(r.suppress());
                if (r.severity() == null && r.service() == null && !suppress) {
                    problem(path, "expected at least one action: 'severity', 'service' or 'suppress: true'");
                }
                out.add(new TocsinConfig.RoutingRule(r.name() == null ? "rule " + (i + 1) : r.name(),
                        new TocsinConfig.Match(m.service(), m.severity(), m.source(), m.component(), m.group(),
                                m.eventClass(), summary, m.labels() == null ? Map.of() : Map.copyOf(m.labels())),
                        r.severity(), r.service(), suppress));
            }
            return List.copyOf(out);
        }

        private List<TocsinConfig.ApiKey> apiKeys(List<RawConfig.RawApiKey> raw, Map<String, TocsinConfig.User> users) {
            List<TocsinConfig.ApiKey> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Map<String, String> hashOwner = new HashMap<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawApiKey k = raw.get(i);
                String path = "api_keys[" + i + "]";
                if (!present(path, k) || !id(path + ".name", k.name())) {
                    continue;
                }
                if (!names.add(k.name())) {
                    problem(path + ".name", "duplicate API key '" + k.name() + "'");
                }
                if (k.sha256() == null || !SHA256.matcher(k.sha256()).matches()) {
                    problem(path + ".sha256", "expected the 64 hex digits of the key's SHA-256 (sha256sum of the key, lower case)");
                } else if (hashOwner.putIfAbsent(k.sha256(), k.name()) != null) {
                    // One secret, two entries: which scope it gets would depend on the order of the file.
                    problem(path + ".sha256", "the same key is already declared as '" + hashOwner.get(k.sha256()) + "'");
                }
                if (k.scope() == null || !SCOPES.contains(k.scope())) {
                    problem(path + ".scope", "expected one of calendar, read, write, admin");
                }
                if (k.user() != null && !users.containsKey(k.user())) {
                    problem(path + ".user", "unknown user " + quoted(k.user()));
                } else if (k.user() != null && users.get(k.user()).isObserver() && !OBSERVER_SCOPES.contains(k.scope())) {
                    // The key's changes would be on the timeline as the observer, who may change nothing.
                    problem(path + ".scope", "the key acts for " + quoted(k.user()) + ", an observer, who may only read: "
                            + "expected read or calendar");
                }
                out.add(new TocsinConfig.ApiKey(k.name(), k.sha256(), k.scope(), k.user()));
            }
            return List.copyOf(out);
        }

        private TocsinConfig.Limits limits(RawConfig.RawLimits raw) {
            TocsinConfig.Limits d = TocsinConfig.Limits.DEFAULTS;
            if (raw == null) {
                return d;
            }
            return new TocsinConfig.Limits(
                    positive("limits.max_body_bytes", raw.maxBodyBytes(), d.maxBodyBytes()),
                    positive("limits.api_requests_per_second", raw.apiRequestsPerSecond(), d.apiRequestsPerSecond()),
                    positive("limits.events_per_second", raw.eventsPerSecond(), d.eventsPerSecond()),
                    positive("limits.ingest_queue_capacity", raw.ingestQueueCapacity(), d.ingestQueueCapacity()));
        }

        private int positive(String path, Integer value, int fallback) {
            if (value == null) {
                return fallback;
            }
            if (value <= 0) {
                problem(path, "expected a positive number, got " + value);
            }
            return value;
        }

        private List<TocsinConfig.Integration> integrations(List<RawConfig.RawIntegration> raw) {
            List<TocsinConfig.Integration> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; raw != null && i < raw.size(); i++) {
                RawConfig.RawIntegration in = raw.get(i);
                String path = "integrations[" + i + "]";
                if (!present(path, in) || !id(path + ".name", in.name())) {
                    continue;
                }
                if (!seen.add(in.name())) {
                    problem(path + ".name", "duplicate integration '" + in.name() + "'");
                }
                if (in.type() == null || !INTEGRATION_TYPES.contains(in.type())) {
                    problem(path + ".type", "expected one of " + INTEGRATION_TYPES.stream().sorted().toList());
                }
                Map<String, String> settings = new LinkedHashMap<>();
                List<String> missing = new ArrayList<>();
                if (in.settings() != null) {
                    in.settings().forEach((k, v) -> settings.put(k, resolve(v, missing)));
                }
                boolean required = Boolean.TRUE.equals(in.required());
                if (required && !missing.isEmpty()) {
                    problem(path + ".settings", "required integration '" + in.name()
                            + "' needs the environment variable(s) " + missing + ", which are not set");
                }
                out.add(new TocsinConfig.Integration(in.name(), in.type(), required, settings, List.copyOf(missing)));
            }
            return List.copyOf(out);
        }

        private TocsinConfig.StatusPage statusPage(RawConfig.RawStatusPage raw, Set<String> serviceIds,
                                                   SeverityScale scale) {
            if (raw == null) {
                return new TocsinConfig.StatusPage("Service status", null, null, List.of(), TocsinConfig.Publish.ALL);
            }
            List<String> shown = raw.services() == null ? List.of() : List.copyOf(raw.services());
            for (int i = 0; i < shown.size(); i++) {
                if (!serviceIds.contains(shown.get(i))) {
                    problem("status_page.services[" + i + "]", "unknown service " + quoted(shown.get(i)));
                }
            }
            if (raw.logoUrl() != null && !raw.logoUrl().startsWith("https://") && !raw.logoUrl().startsWith("http://")
                    && !raw.logoUrl().startsWith("/")) {
                problem("status_page.logo_url", "expected an http(s) URL or a path on this server");
            }
            return new TocsinConfig.StatusPage(raw.title() == null ? "Service status" : raw.title(), raw.description(),
                    raw.logoUrl(), shown, publish(raw.publish(), scale));
        }

        private TocsinConfig.Publish publish(JsonNode raw, SeverityScale scale) {
            String expected = "expected all, none or a list of severities (e.g. [P0, P1]) of " + scale.ids();
            if (raw == null || raw.isNull() || raw.isString() && raw.asString().equals("all")) {
                return TocsinConfig.Publish.ALL;
            }
            if (raw.isString() && raw.asString().equals("none")) {
                return TocsinConfig.Publish.NONE;
            }
            if (!raw.isArray()) {
                problem("status_page.publish", expected + ", got " + (raw.isString() ? quoted(raw.asString()) : raw));
                return TocsinConfig.Publish.ALL;
            }
            List<String> severities = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                JsonNode severity = raw.get(i);
                if (!severity.isString() || !scale.contains(severity.asString())) {
                    problem("status_page.publish[" + i + "]", "unknown severity "
                            + (severity.isString() ? quoted(severity.asString()) : severity) + ", expected one of "
                            + scale.ids());
                } else if (!severities.contains(severity.asString())) {
                    severities.add(severity.asString());
                }
            }
            return new TocsinConfig.Publish(false, severities);
        }

        private String resolve(String value, List<String> missing) {
            if (value == null) {
                return null;
            }
            Matcher m = ENV_REF.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = environment.apply(m.group(1));
                if ((v == null || v.isEmpty()) && m.group(2) != null) {
                    v = m.group(2);
                } else if (v == null || v.isEmpty()) {
                    missing.add(m.group(1));
                    v = "";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static String quoted(String s) {
            return s == null ? "(missing)" : "'" + s + "'";
        }
    }
}
