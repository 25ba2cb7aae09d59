package dev.tocsin.timeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * A timeline entry in a line for people (the UI, the command line): a change as "from → to" then its words, if any;
 * else its words, a role as "role: user", or its plain fields as "name: value" (a list of plain values joined by
 * commas), never raw JSON.
 */
public final class TimelineText {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private TimelineText() {
    }

    public static String describe(JsonNode data) {
        if (data == null || !data.isObject()) {
            return "";
        }
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
        // Only a role change names its "user"; an update reminder has a role too, but names whom it "reminded".
        if (data.hasNonNull("role") && data.has("user")) {
            return data.get("role").asString().replace('_', ' ') + ": "
                    + (data.hasNonNull("user") ? data.get("user").asString() : "nobody");
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
                return MINUTE.format(Instant.parse(text));
            } catch (DateTimeParseException notATime) {
                return text;
            }
        }
        return text;
    }
}
