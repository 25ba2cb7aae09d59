package dev.tocsin.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.text.SqlText;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The exact request bodies each provider expects, built from rendered messages: Slack Block Kit (in an attachment,
 * the only place Slack still shows a colour bar), Discord embeds, a Teams Adaptive Card, our own webhook JSON, and
 * a plain-text plus HTML e-mail. Several messages to a rate-limited destination become one request.
 */
@Component
class Payloads {

    /** One message ready to lay out: its row, its words for this destination's format, and its facts. */
    record Item(OutboxMessage row, Templates.Rendered words, Map<String, Object> facts) {

        String url(String name) {
            Object v = facts.get(name);
            return v == null ? null : v.toString();
        }
    }

    record Email(String subject, String text, String html) {
    }

    private static final int SLACK_SECTION_MAX = 3000;
    private static final int DISCORD_TITLE_MAX = 256;
    private static final int DISCORD_DESCRIPTION_MAX = 4096;
    /** Discord refuses a message whose embeds hold more than 6,000 characters together. */
    private static final int DISCORD_TOTAL_MAX = 6000;
    private static final String ACKNOWLEDGE = "Acknowledge";
    /**
     * Teams refuses a message over 28 KB (its body as sent, in UTF-8). What the subjects and texts of one request may
     * take together, in bytes of JSON: the card around them (ten containers, the actions and their links) needs
     * little more than 2 KB of the rest.
     */
    private static final int TEAMS_TEXT_BYTES = 24_000;

    private final TocsinConfig config;
    private final JsonMapper json;

    Payloads(TocsinConfig config, JsonMapper json) {
        this.config = config;
        this.json = json;
    }

    static Templates.Format format(Destinations.Kind kind) {
        return switch (kind) {
            case SLACK_WEBHOOK, SLACK_API -> Templates.Format.SLACK;
            case DISCORD -> Templates.Format.DISCORD;
            case TEAMS -> Templates.Format.TEAMS;
            case EMAIL, WEBHOOK -> Templates.Format.PLAIN;
        };
    }

    String body(Destinations.Destination d, List<Item> items, Instant now) {
        Object body = switch (d.kind()) {
            case SLACK_WEBHOOK -> slack(items, null);
            case SLACK_API -> slack(items, d.address());
            case DISCORD -> discord(items, now);
            case TEAMS -> teams(items);
            case WEBHOOK -> webhook(items, now);
            case EMAIL -> throw new IllegalArgumentException("e-mail is not a JSON request");
        };
        return json.writeValueAsString(body);
    }

    private Map<String, Object> slack(List<Item> items, String memberId) {
        Map<String, Object> msg = new LinkedHashMap<>();
        if (memberId != null) {
            msg.put("channel", memberId);
        }
        // The top-level text is what notifications and screen readers show.
        msg.put("text", items.size() == 1 ? Templates.Format.SLACK.escape(items.get(0).words().subject())
                : items.size() + " Tocsin messages");
        List<Object> attachments = new ArrayList<>();
        for (Item item : items) {
            List<Object> blocks = new ArrayList<>();
            blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text",
                    SqlText.abbreviate("*" + Templates.Format.SLACK.escape(item.words().subject()) + "*\n" + item.words().text(),
                            SLACK_SECTION_MAX))));
            List<Object> buttons = new ArrayList<>();
            if (item.url("acknowledge_url") != null) {
                buttons.add(Map.of("type", "button", "style", "danger", "url", item.url("acknowledge_url"),
                        "text", Map.of("type", "plain_text", "text", "Acknowledge")));
            }
            if (item.url("incident_url") != null) {
                buttons.add(Map.of("type", "button", "url", item.url("incident_url"),
                        "text", Map.of("type", "plain_text", "text", "Open incident")));
            }
            if (!buttons.isEmpty()) {
                blocks.add(Map.of("type", "actions", "elements", buttons));
            }
            // Slack reads control sequences (<!channel>, <@U…>) in every text field, the plain-text fallback too.
            attachments.add(Map.of("color", color(item), "fallback", Templates.Format.SLACK.escape(item.words().subject()),
                    "blocks", blocks));
        }
        msg.put("attachments", attachments);
        return msg;
    }

    private Map<String, Object> discord(List<Item> items, Instant now) {
        int budget = DISCORD_TOTAL_MAX / items.size();
        List<Object> embeds = new ArrayList<>();
        for (Item item : items) {
            Map<String, Object> embed = new LinkedHashMap<>();
            String title = SqlText.abbreviate(Templates.Format.DISCORD.escape(item.words().subject()),
                    Math.min(DISCORD_TITLE_MAX, budget / 4));
            embed.put("title", title);
            String footer = "Tocsin · " + item.row().purpose();
            String acknowledge = item.url("acknowledge_url") == null ? null
                    : "[Acknowledge this incident](" + item.url("acknowledge_url") + ")";
            // Discord's 6,000 counts the footer and the fields' names and values too, not only title and description.
            int rest = footer.length() + (acknowledge == null ? 0 : ACKNOWLEDGE.length() + acknowledge.length());
            embed.put("description", SqlText.abbreviate(item.words().text(), Math.max(1, Math.min(DISCORD_DESCRIPTION_MAX,
                    budget - title.length() - rest))));
            if (item.url("incident_url") != null) {
                embed.put("url", item.url("incident_url"));
            }
            if (acknowledge != null) {
                // Webhook messages cannot carry buttons; a masked link in a field is Discord's nearest thing.
                embed.put("fields", List.of(Map.of("name", ACKNOWLEDGE, "value", acknowledge, "inline", false)));
            }
            embed.put("color", Integer.parseInt(color(item).substring(1), 16));
            embed.put("timestamp", now.toString());
            embed.put("footer", Map.of("text", footer));
            embeds.add(embed);
        }
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("username", "Tocsin");
        // Nothing an incident title says may ping @everyone or a role.
        msg.put("allowed_mentions", Map.of("parse", List.of()));
        msg.put("embeds", embeds);
        return msg;
    }

    private Map<String, Object> teams(List<Item> items) {
        // Each message its share, so a batch of long updates is one request Teams takes, not one it refuses whole.
        int budget = TEAMS_TEXT_BYTES / items.size();
        List<Object> body = new ArrayList<>();
        for (Item item : items) {
            String subject = fitJson(Templates.Format.TEAMS.escape(item.words().subject()), budget / 4);
            // A TextBlock breaks lines only at blank lines.
            String text = fitJson(item.words().text().replace("\n", "\n\n"), budget - jsonBytes(subject));
            body.add(Map.of("type", "Container", "style", teamsStyle(item), "items", List.of(
                    Map.of("type", "TextBlock", "text", subject, "weight", "Bolder", "size", "Medium", "wrap", true),
                    Map.of("type", "TextBlock", "text", text, "wrap", true))));
        }
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", body);
        if (items.size() == 1) {
            List<Object> actions = new ArrayList<>();
            Item item = items.get(0);
            if (item.url("acknowledge_url") != null) {
                actions.add(Map.of("type", "Action.OpenUrl", "title", "Acknowledge", "url", item.url("acknowledge_url")));
            }
            if (item.url("incident_url") != null) {
                actions.add(Map.of("type", "Action.OpenUrl", "title", "Open incident", "url", item.url("incident_url")));
            }
            card.put("actions", actions);
        }
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return Map.of("type", "message", "attachments", List.of(attachment));
    }

    /** The text cut to at most {@code maxBytes} as a JSON string in UTF-8, the last character an ellipsis if cut. */
    private static String fitJson(String text, int maxBytes) {
        if (jsonBytes(text) <= maxBytes) {
            return text;
        }
        int room = maxBytes - jsonBytes("…");
        int used = 0;
        int end = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            used += jsonBytes(cp);
            if (used > room) {
                break;
            }
            end += Character.charCount(cp);
        }
        return text.substring(0, end) + "…";
    }

    /** The bytes of a string in a JSON document in UTF-8, as Jackson writes it: quotes, backslashes, controls escaped. */
    private static int jsonBytes(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            n += jsonBytes(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    private static int jsonBytes(int cp) {
        if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t' || cp == '\b' || cp == '\f') {
            return 2;
        }
        return cp < 0x20 ? 6 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    private Map<String, Object> webhook(List<Item> items, Instant now) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Item item : items) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "tocsin.message");
            m.put("idempotency_key", item.row().idempotencyKey());
            m.put("kind", item.row().purpose());
            m.put("incident_id", item.row().incidentId());
            m.put("subject", item.words().subject());
            m.put("text", item.words().text());
            m.put("facts", item.facts());
            m.put("created_at", item.row().createdAt().toString());
            m.put("sent_at", now.toString());
            messages.add(m);
        }
        return messages.size() == 1 ? messages.get(0)
                : Map.of("type", "tocsin.batch", "sent_at", now.toString(), "messages", messages);
    }

    /** The e-mail for one message: plain text and the same words in a small HTML layout with buttons. */
    Email email(Item item, Templates.Rendered html) {
        StringBuilder out = new StringBuilder();
        out.append("<!doctype html><html><body style=\"font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#111\">")
                .append("<div style=\"border-left:6px solid ").append(color(item)).append(";padding:8px 16px;max-width:640px\">")
                .append("<h2 style=\"margin:0 0 12px;font-size:18px\">").append(Templates.Format.HTML.escape(html.subject()))
                .append("</h2><p style=\"line-height:1.5;margin:0 0 16px\">")
                .append(html.text().replace("\n", "<br>\n")).append("</p>");
        if (item.url("acknowledge_url") != null) {
            out.append(button(item.url("acknowledge_url"), "Acknowledge", "#D00000"));
        }
        if (item.url("incident_url") != null) {
            out.append(button(item.url("incident_url"), "Open incident", "#374151"));
        }
        out.append("</div><p style=\"color:#6B7280;font-size:12px\">Sent by Tocsin</p></body></html>");
        return new Email(item.words().subject(), item.words().text() + "\n", out.toString());
    }

    private static String button(String url, String label, String color) {
        return "<a href=\"" + Templates.Format.HTML.escape(url) + "\" style=\"display:inline-block;background:" + color
                + ";color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none;margin-right:8px\">" + label + "</a>";
    }

    /** Red for the most urgent severity down to blue; green once resolved. */
    private String color(Item item) {
        String kind = item.row().purpose();
        if ("resolved".equals(kind)) {
            return "#2EB67D";
        }
        if ("test".equals(kind)) {
            return "#6B7280";
        }
        Object severity = item.facts().get("severity");
        int rank = severity == null ? Integer.MAX_VALUE : config.severities().rank(severity.toString());
        return switch (rank) {
            case 0 -> "#D00000";
            case 1 -> "#F08C00";
            case 2 -> "#F2C744";
            default -> "#3B82F6";
        };
    }

    private String teamsStyle(Item item) {
        return switch (color(item)) {
            case "#D00000" -> "attention";
            case "#F08C00", "#F2C744" -> "warning";
            case "#2EB67D" -> "good";
            default -> "emphasis";
        };
    }
}
