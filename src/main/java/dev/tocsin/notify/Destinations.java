package dev.tocsin.notify;

import java.util.List;
import java.util.Optional;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/**
 * Outbox rows name where they go by reference, {@code channel:<id>} or {@code user:<user>:<contact method>}, never by
 * address: webhook URLs are secrets and stay in the configuration, and a rotated URL applies to messages already
 * waiting. This resolves a reference to what a sender needs, or says why it cannot be sent.
 */
@Component
class Destinations {

    enum Kind {
        SLACK_WEBHOOK("slack"), SLACK_API("slack"), DISCORD("discord"), TEAMS("teams"), EMAIL("email"), WEBHOOK("webhook");

        final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** Chat messages that can carry several messages in one request when a rate limit says wait. */
        int batchCapacity() {
            return switch (this) {
                case SLACK_WEBHOOK, SLACK_API, DISCORD, TEAMS, WEBHOOK -> 10;
                case EMAIL -> 1;
            };
        }
    }

    /**
     * {@code address}: the URL, Slack member id, or null for e-mail ({@code to}). {@code secret} and, during a
     * rotation, {@code previousSecret} sign webhooks; either may be null, as may {@code limit}.
     */
    record Destination(String key, Kind kind, String address, List<String> to, String secret, String previousSecret,
                       TocsinConfig.RateLimit limit) {

        @Override
        public String toString() {
            return "Destination[" + key + "]";
        }
    }

    /** Either a destination or the reason there is none. */
    record Resolution(Destination destination, String problem) {
    }

    private final TocsinConfig config;

    Destinations(TocsinConfig config) {
        this.config = config;
    }

    static String channelKey(String channelId) {
        return "channel:" + channelId;
    }

    static String userKey(String userId, String contactMethodId) {
        return "user:" + userId + ":" + contactMethodId;
    }

    Resolution resolve(String key) {
        if (key.startsWith("channel:")) {
            String id = key.substring("channel:".length());
            Optional<TocsinConfig.Channel> channel = config.notifications().channel(id);
            if (channel.isEmpty()) {
                return problem("channel '" + id + "' is no longer in the configuration");
            }
            TocsinConfig.Channel c = channel.get();
            if (c.degraded()) {
                return problem("channel '" + id + "' is not configured: " + String.join(", ", c.missingVariables())
                        + " not set");
            }
            Kind kind = switch (c.type()) {
                case SLACK -> Kind.SLACK_WEBHOOK;
                case DISCORD -> Kind.DISCORD;
                case TEAMS -> Kind.TEAMS;
                case EMAIL -> Kind.EMAIL;
                case WEBHOOK -> Kind.WEBHOOK;
            };
            return checked(new Destination(key, kind, c.url(), c.to(), c.secret(), c.previousSecret(), c.rateLimit()));
        }
        if (key.startsWith("user:")) {
            String[] parts = key.split(":", 3);
            Optional<TocsinConfig.ContactMethod> method = parts.length < 3 ? Optional.empty()
                    : config.user(parts[1]).flatMap(u -> u.contactMethod(parts[2]));
            if (method.isEmpty()) {
                return problem("contact method " + key.substring("user:".length()) + " is no longer in the configuration");
            }
            TocsinConfig.ContactMethod m = method.get();
            Kind kind = switch (m.type()) {
                case EMAIL -> Kind.EMAIL;
                case SLACK -> m.address().startsWith("http") ? Kind.SLACK_WEBHOOK : Kind.SLACK_API;
                case DISCORD -> Kind.DISCORD;
                case WEBHOOK -> Kind.WEBHOOK;
                case SMS, VOICE -> null;
            };
            if (kind == null) {
                return problem("Tocsin has no " + m.type().wire() + " provider");
            }
            List<String> to = kind == Kind.EMAIL ? List.of(m.address()) : List.of();
            return checked(new Destination(key, kind, kind == Kind.EMAIL ? null : m.address(), to, m.secret(),
                    m.previousSecret(), TocsinConfig.RateLimit.defaultFor(m.type().wire())));
        }
        return problem("unknown destination '" + key + "'");
    }

    /** The providers the destination needs beyond its own settings. */
    private Resolution checked(Destination d) {
        if (d.kind() == Kind.EMAIL) {
            TocsinConfig.Smtp smtp = config.notifications().smtp();
            if (smtp == null) {
                return problem("e-mail needs an 'smtp' section in the configuration");
            }
            if (smtp.degraded()) {
                return problem("smtp is not configured: " + String.join(", ", smtp.missingVariables()) + " not set");
            }
        }
        if (d.kind() == Kind.SLACK_API) {
            TocsinConfig.SlackApi slack = config.notifications().slack();
            if (slack == null || slack.botToken() == null) {
                return problem("a Slack member id needs the 'slack' section with a bot_token (or use an incoming-webhook URL)");
            }
        }
        return new Resolution(d, null);
    }

    private static Resolution problem(String reason) {
        return new Resolution(null, reason);
    }
}
