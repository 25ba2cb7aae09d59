package dev.tocsin.timeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A timeline entry in a line for people (the UI, the command line): a change as "from → to" then its words, if any;
 * else its words, or its plain fields as "name: value" (a list of plain values joined by commas), never raw JSON.
 */
public final class TimelineText {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** What the status page shows when an incident has no public title of its own (statuspage.md). */
    private static final String PAGES_OWN = "the page's own";

    private TimelineText() {
    }

    /**
     * A moment as people read it here, in the UI and in messages: to the minute, in UTC, said so
     * ({@code 2026-12-08 04:12 UTC}). The command line prints its times with this too, so that a screen mixing its own
     * fields with timeline entries spells a time one way.
     */
    public static String time(Instant instant) {
        return MINUTE.format(instant);
    }

    /**
     * An entry of kind {@code kind}. Some kinds record only one side of their change, because the other is implied by
     * the kind (a resolution always ends in "resolved") or stored under its own name (a role's "previous" holder):
     * those are spelled out here, so that every change reads "what: from → to" however it was stored.
     */
    public static String describe(String kind, JsonNode data) {
        if (data == null || !data.isObject()) {
            return "";
        }
        return switch (kind == null ? "" : kind) {
            case "incident.resolved" -> resolution((ObjectNode) data);
            case "incident.role_assigned", "incident.role_cleared" -> roleChange(data);
            case "incident.public_title_set", "incident.public_title_cleared" -> publicTitleChange(data);
            case "incident.published", "incident.unpublished", "incident.publication_cleared" -> publicationChange(data);
            case "incident.impact_updated" -> impactChange(data);
            case "monitor.paused" -> monitorChange(data, "running → paused");
            case "monitor.resumed" -> monitorChange(data, "paused → running");
            default -> fields(data);
        };
    }

    /** A resolution names the status it left; where it went is the kind's. */
    private static String resolution(ObjectNode data) {
        if (!data.hasNonNull("from") || data.has("to")) {
            return fields(data);
        }
        ObjectNode withTarget = data.deepCopy();
        withTarget.put("to", "resolved");
        return fields(withTarget);
    }

    /**
     * "incident commander: ana → bo". A role given at declaration has no "previous" (nobody held it before the
     * incident existed), so it reads as the holder alone.
     */
    private static String roleChange(JsonNode data) {
        String role = data.path("role").asString("role").replace('_', ' ');
        String holder = orNobody(data.get("user"));
        return data.has("previous") ? role + ": " + orNobody(data.get("previous")) + " → " + holder : role + ": " + holder;
    }

    private static String publicTitleChange(JsonNode data) {
        return "public title: " + quotedOrPagesOwn(data.get("previous")) + " → " + quotedOrPagesOwn(data.get("public_title"));
    }

    /**
     * "status page: by the rule → hidden". Back to the rule, the entry also says what the rule made of it, which the
     * choice alone does not.
     */
    private static String publicationChange(JsonNode data) {
        String text = "status page: " + choice(data.get("previous")) + " → " + choice(data.get("published"));
        JsonNode onPage = data.get("published");
        if ((onPage == null || onPage.isNull()) && data.hasNonNull("on_page")) {
            text += data.get("on_page").asBoolean() ? " (published)" : " (hidden)";
        }
        return text;
    }

    private static String choice(JsonNode published) {
        return published == null || published.isNull() ? "by the rule" : published.asBoolean() ? "published" : "hidden";
    }

    /**
     * "users affected: unknown → 1200 · data loss: no → yes": the fields the change changed. Entries written before
     * the previous values were kept (no "previous") list the impact as it became.
     */
    private static String impactChange(JsonNode data) {
        JsonNode previous = data.get("previous");
        if (previous == null || !previous.isObject()) {
            return fields(data);
        }
        List<String> parts = new ArrayList<>();
        for (var field : previous.properties()) {
            parts.add(field.getKey().replace('_', ' ') + ": " + impactValue(field.getValue()) + " → "
                    + impactValue(data.get(field.getKey())));
        }
        return String.join(" · ", parts);
    }

    private static String impactValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "unknown";
        }
        if (value.isArray()) {
            return value.isEmpty() ? "none" : String.join(", ", value.valueStream().map(JsonNode::asString).toList());
        }
        return plain(value);
    }

    private static String monitorChange(JsonNode data, String transition) {
        return data.hasNonNull("monitor") ? data.get("monitor").asString() + ": " + transition : transition;
    }

    private static String orNobody(JsonNode user) {
        return user == null || user.isNull() ? "nobody" : user.asString();
    }

    /** Titles are quoted: they have spaces, and an arrow between two unquoted sentences reads as one. */
    private static String quotedOrPagesOwn(JsonNode title) {
        return title == null || title.isNull() ? PAGES_OWN : "\"" + title.asString() + "\"";
    }

    private static String fields(JsonNode data) {
        String words = null;
        for (String field : List.of("message", "text", "resolution", "summary", "title", "reason")) {
            if (data.hasNonNull(field) && !data.get(field).asString("").isBlank()) {
                words = data.get(field).asString();
                break;
            }
        }
        if (data.hasNonNull("from") && data.hasNonNull("to")) {
            // A status change made with a message: the message says why, the transition says what happened.
            String transition = data.get("from").asString() + " → " + data.get("to").asString();
            return words == null ? transition : transition + " · " + words;
        }
        if (words != null) {
            return words;
        }
        List<String> parts = new ArrayList<>();
        for (var field : data.properties()) {
            JsonNode value = field.getValue();
            if (value.isValueNode() && !value.isNull()) {
                parts.add(field.getKey().replace('_', ' ') + ": " + plain(value));
            } else if (value.isArray() && !value.isEmpty() && value.valueStream().allMatch(JsonNode::isValueNode)) {
                parts.add(field.getKey().replace('_', ' ') + ": "
                        + String.join(", ", value.valueStream().map(JsonNode::asString).toList()));
            }
        }
        return String.join(" · ", parts);
    }

    /** A value as a person reads it: yes or no, not true or false; a time to the minute in UTC, not ISO to the millisecond. */
    private static String plain(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean() ? "yes" : "no";
        }
        String text = value.asString();
        if (text.length() >= 20 && text.endsWith("Z") && Character.isDigit(text.charAt(0)) && text.charAt(10) == 'T') {
            try {
                return time(Instant.parse(text));
            } catch (DateTimeParseException notATime) {
                return text;
            }
        }
        return text;
    }
}
