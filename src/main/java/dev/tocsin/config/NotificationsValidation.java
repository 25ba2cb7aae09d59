package dev.tocsin.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Validates the notification sections of the file: {@code channels}, {@code smtp}, {@code slack},
 * {@code notification_routes} and {@code templates}. Template syntax is checked by the notification feature,
 * which owns the template language.
 */
final class NotificationsValidation {

    private static final List<String> ROUTED_MESSAGES = TocsinConfig.NotificationRoute.MESSAGES;
    private static final List<String> TEMPLATE_KINDS = TocsinConfig.Template.KINDS;

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s]+");
    private static final Pattern NAMED_ADDRESS = Pattern.compile(".*<([^@\\s<>]+@[^@\\s<>]+)>\\s*");
    private final BiConsumer<String, String> problem;
    private final BiFunction<String, List<String>, String> resolve;

    NotificationsValidation(BiConsumer<String, String> problem, BiFunction<String, List<String>, String> resolve) {
        this.problem = problem;
        this.resolve = resolve;
    }

    TocsinConfig.Notifications validate(RawConfig raw, SeverityScale scale, Set<String> serviceIds) {
        TocsinConfig.Smtp smtp = smtp(raw.smtp());
        List<TocsinConfig.Channel> channels = channels(raw.channels(), smtp);
        Set<String> channelIds = new HashSet<>();
        channels.forEach(c -> channelIds.add(c.id()));
        return new TocsinConfig.Notifications(channels, smtp, slack(raw.slack()),
                routes(raw.notificationRoutes(), scale, serviceIds, channelIds), templates(raw.templates(), scale));
    }

    /** An e-mail channel is as reachable as {@code smtp}: degraded, with its variables, while smtp is. */
    private List<TocsinConfig.Channel> channels(List<RawConfig.RawChannel> raw, TocsinConfig.Smtp smtp) {
        List<TocsinConfig.Channel> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            RawConfig.RawChannel c = raw.get(i);
            String path = "channels[" + i + "]";
            if (c == null) {
                problem.accept(path, "expected a channel with 'id', 'type' and 'url' (or 'to' for e-mail)");
                continue;
            }
            if (c.id() == null || !ID.matcher(c.id()).matches()) {
                problem.accept(path + ".id", "expected lower-case letters, digits, '.', '_' or '-', got " + quoted(c.id()));
                continue;
            }
            if (!seen.add(c.id())) {
                problem.accept(path + ".id", "duplicate channel '" + c.id() + "'");
            }
            TocsinConfig.ChannelType type = channelType(path + ".type", c.type());
            if (type == null) {
                continue;
            }
            boolean required = Boolean.TRUE.equals(c.required());
            List<String> missing = new ArrayList<>();
            String url = null;
            List<String> to = List.of();
            if (type == TocsinConfig.ChannelType.EMAIL) {
                if (c.url() != null) {
                    problem.accept(path + ".url", "an e-mail channel has recipients in 'to', not a url");
                }
                to = recipients(path + ".to", c.to(), missing);
                if (smtp != null) {
                    smtp.missingVariables().stream().filter(v -> !missing.contains(v)).forEach(missing::add);
                }
            } else {
                if (c.to() != null) {
                    problem.accept(path + ".to", "only e-mail channels have recipients; a " + type.wire() + " channel has a url");
                }
                if (c.url() == null) {
                    problem.accept(path + ".url", "required: the " + type.wire() + " webhook URL, usually an ${ENV} reference");
                } else {
                    url = resolve.apply(c.url(), missing);
                    // With a variable unset the channel is degraded; what is left of its URL says nothing.
                    if (missing.isEmpty() && !HTTP_URL.matcher(url).matches()) {
                        problem.accept(path + ".url", "expected an http or https URL");
                    }
                }
            }
            String secret = channelSecret(path + ".secret", c.secret(), type, missing);
            String previousSecret = channelSecret(path + ".previous_secret", c.previousSecret(), type, missing);
            if (c.previousSecret() != null && c.secret() == null) {
                problem.accept(path + ".previous_secret", "needs a 'secret': the previous secret signs beside the "
                        + "current one while receivers move to it (set the new one as 'secret')");
            }
            if (required && !missing.isEmpty()) {
                problem.accept(path, "required channel '" + c.id() + "' needs the environment variable(s) " + missing
                        + ", which are not set");
            }
            out.add(new TocsinConfig.Channel(c.id(), type, url, to, secret, previousSecret,
                    rateLimit(path + ".rate_limit", c.rateLimit(), type), required, List.copyOf(missing)));
        }
        return List.copyOf(out);
    }

    /**
     * A channel's secret or previous secret as it signs: an unset variable degrades the channel, as in its URL; an
     * empty one is refused, as every request would fail to be signed (an HMAC needs a key).
     */
    private String channelSecret(String path, String raw, TocsinConfig.ChannelType type, List<String> missing) {
        if (raw == null) {
            return null;
        }
        if (type != TocsinConfig.ChannelType.WEBHOOK) {
            problem.accept(path, "only webhook channels are signed; remove it for " + type.wire());
        }
        List<String> unset = new ArrayList<>();
        String secret = resolve.apply(raw, unset);
        unset.stream().filter(v -> !missing.contains(v)).forEach(missing::add);
        if (unset.isEmpty() && secret.isEmpty()) {
            problem.accept(path, "must not be empty (leave it out for unsigned messages)");
        }
        return secret;
    }

    private TocsinConfig.ChannelType channelType(String path, String text) {
        for (TocsinConfig.ChannelType t : TocsinConfig.ChannelType.values()) {
            if (t.wire().equals(text)) {
                return t;
            }
        }
        problem.accept(path, "expected one of slack, discord, teams, email, webhook, got " + quoted(text));
        return null;
    }

    private List<String> recipients(String path, List<String> raw, List<String> missing) {
        if (raw == null || raw.isEmpty()) {
            problem.accept(path, "required: a list of e-mail addresses");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String address = resolve.apply(raw.get(i), missing);
            if (address != null && !address.isEmpty() && !EMAIL.matcher(address).matches()) {
                problem.accept(path + "[" + i + "]", "expected an e-mail address, got " + quoted(address));
            } else if (address != null && !address.isEmpty()) {
                out.add(address);
            }
        }
        return List.copyOf(out);
    }

    private TocsinConfig.RateLimit rateLimit(String path, RawConfig.RawRateLimit raw, TocsinConfig.ChannelType type) {
        if (raw == null) {
            return TocsinConfig.RateLimit.defaultFor(type.wire());
        }
        if (raw.messages() == null || raw.messages() <= 0) {
            problem.accept(path + ".messages", "expected a positive number of messages, got " + raw.messages());
            return TocsinConfig.RateLimit.defaultFor(type.wire());
        }
        if (raw.per() == null) {
            problem.accept(path + ".per", "required: a duration such as 1s or 5s");
            return TocsinConfig.RateLimit.defaultFor(type.wire());
        }
        try {
            Duration per = Durations.parse(raw.per());
            if (per.isZero() || per.isNegative()) {
                problem.accept(path + ".per", "expected a positive duration, got '" + raw.per() + "'");
            }
            return new TocsinConfig.RateLimit(raw.messages(), per);
        } catch (IllegalArgumentException e) {
            problem.accept(path + ".per", "expected " + e.getMessage());
            return TocsinConfig.RateLimit.defaultFor(type.wire());
        }
    }

    private TocsinConfig.Smtp smtp(RawConfig.RawSmtp raw) {
        if (raw == null) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        String host = resolve.apply(raw.host(), missing);
        if (raw.host() == null) {
            problem.accept("smtp.host", "required: the SMTP server's host name");
        }
        String security = raw.security() == null ? "starttls" : raw.security();
        if (!Set.of("none", "starttls", "tls").contains(security)) {
            problem.accept("smtp.security", "expected one of none, starttls, tls, got " + quoted(security));
        }
        int port = switch (security) {
            case "tls" -> 465;
            case "none" -> 25;
            default -> 587;
        };
        if (raw.port() != null) {
            String text = resolve.apply(raw.port(), missing);
            try {
                if (!text.isEmpty()) {
                    port = Integer.parseInt(text.trim());
                }
                if (port < 1 || port > 65535) {
                    problem.accept("smtp.port", "expected a port between 1 and 65535, got " + port);
                }
            } catch (NumberFormatException e) {
                problem.accept("smtp.port", "expected a port number, got " + quoted(text));
            }
        }
        String from = resolve.apply(raw.from(), missing);
        if (raw.from() == null) {
            problem.accept("smtp.from", "required: the sender address, such as \"Tocsin <tocsin@example.com>\"");
        } else if (!from.isEmpty() && !EMAIL.matcher(from).matches() && !NAMED_ADDRESS.matcher(from).matches()) {
            problem.accept("smtp.from", "expected an e-mail address or \"Name <address>\", got " + quoted(from));
        }
        // An unset username or password means "no authentication", not a broken server.
        List<String> optional = new ArrayList<>();
        return new TocsinConfig.Smtp(host, port, emptyToNull(resolve.apply(raw.username(), optional)),
                emptyToNull(resolve.apply(raw.password(), optional)), from, security,
                List.copyOf(new LinkedHashSet<>(missing)));
    }

    private TocsinConfig.SlackApi slack(RawConfig.RawSlack raw) {
        if (raw == null) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        String token = emptyToNull(resolve.apply(raw.botToken(), missing));
        String apiUrl = raw.apiUrl() == null ? "https://slack.com/api" : resolve.apply(raw.apiUrl(), missing);
        if (!HTTP_URL.matcher(apiUrl).matches()) {
            problem.accept("slack.api_url", "expected an http or https URL, got " + quoted(apiUrl));
        }
        if (raw.botToken() == null) {
            problem.accept("slack.bot_token", "required: a bot token (xoxb-…), usually ${SLACK_BOT_TOKEN}");
        }
        return new TocsinConfig.SlackApi(token, apiUrl.replaceAll("/+$", ""), List.copyOf(missing));
    }

    private List<TocsinConfig.NotificationRoute> routes(List<RawConfig.RawRoute> raw, SeverityScale scale,
                                                        Set<String> serviceIds, Set<String> channelIds) {
        List<TocsinConfig.NotificationRoute> out = new ArrayList<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            RawConfig.RawRoute r = raw.get(i);
            String path = "notification_routes[" + i + "]";
            if (r == null) {
                problem.accept(path, "expected a route with 'channels'");
                continue;
            }
            Set<String> services = known(path + ".services", r.services(), serviceIds, "service");
            Set<String> severities = known(path + ".severities", r.severities(), Set.copyOf(scale.ids()), "severity");
            Set<String> messages = r.messages() == null ? new LinkedHashSet<>(ROUTED_MESSAGES)
                    : known(path + ".messages", r.messages(), Set.copyOf(ROUTED_MESSAGES), "message kind");
            if (r.channels() == null || r.channels().isEmpty()) {
                problem.accept(path + ".channels", "required: the ids of the channels this route sends to");
                continue;
            }
            known(path + ".channels", r.channels(), channelIds, "channel");
            String name = r.name() == null ? "route " + (i + 1) : r.name();
            out.add(new TocsinConfig.NotificationRoute(name, Set.copyOf(services), Set.copyOf(severities),
                    Set.copyOf(messages), List.copyOf(new LinkedHashSet<>(r.channels()))));
        }
        return List.copyOf(out);
    }

    private Set<String> known(String path, List<String> values, Set<String> allowed, String what) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; values != null && i < values.size(); i++) {
            String v = values.get(i);
            if (!allowed.contains(v)) {
                problem.accept(path + "[" + i + "]", "unknown " + what + " " + quoted(v) + ", expected one of "
                        + allowed.stream().sorted().toList());
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private List<TocsinConfig.Template> templates(List<RawConfig.RawTemplate> raw, SeverityScale scale) {
        List<TocsinConfig.Template> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            RawConfig.RawTemplate t = raw.get(i);
            String path = "templates[" + i + "]";
            if (t == null) {
                problem.accept(path, "expected a template with 'kind' and 'text'");
                continue;
            }
            if (!TEMPLATE_KINDS.contains(t.kind())) {
                problem.accept(path + ".kind", "expected one of " + TEMPLATE_KINDS + ", got " + quoted(t.kind()));
                continue;
            }
            if (t.severity() != null && !scale.contains(t.severity())) {
                problem.accept(path + ".severity", "unknown severity " + quoted(t.severity()) + ", expected one of "
                        + scale.ids());
                continue;
            }
            if (!seen.add(t.kind() + "/" + t.severity())) {
                problem.accept(path, "a second '" + t.kind() + "' template"
                        + (t.severity() == null ? "" : " for " + t.severity()) + ": keep one");
            }
            if (t.text() == null || t.text().isBlank()) {
                problem.accept(path + ".text", "required: the message text, with {{variables}}");
                continue;
            }
            out.add(new TocsinConfig.Template(t.kind(), t.severity(), t.subject(), t.text()));
        }
        return List.copyOf(out);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String quoted(String s) {
        return s == null ? "(missing)" : "'" + s + "'";
    }
}
