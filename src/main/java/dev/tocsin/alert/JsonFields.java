package dev.tocsin.alert;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.text.SqlText;
import tools.jackson.databind.JsonNode;

/**
 * Reads fields out of an untyped JSON body and collects one message per bad field, so a sender sees every
 * problem at once, in PagerDuty's style ("'payload.summary' is missing or blank").
 */
final class JsonFields {

    /** ISO 8601 with or without the colon in the offset: PagerDuty's own example is 2015-07-17T08:42:58.315+0000. */
    private static final DateTimeFormatter OFFSET_NO_COLON = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendPattern("[XXX][XX][X]").toFormatter();

    private final List<String> errors = new ArrayList<>();

    List<String> errors() {
        return errors;
    }

    boolean ok() {
        return errors.isEmpty();
    }

    void error(String message) {
        errors.add(message);
    }

    String requiredString(JsonNode parent, String name, String path, int max) {
        String value = optionalString(parent, name, path, max);
        if (value == null && errors.stream().noneMatch(e -> e.startsWith("'" + path + "'"))) {
            errors.add("'" + path + "' is missing or blank");
        }
        return value;
    }

    String optionalString(JsonNode parent, String name, String path, int max) {
        JsonNode node = parent == null ? null : parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add("'" + path + "' must be a string, got " + kind(node));
            return null;
        }
        return checkString(node.asString(), path, max);
    }

    String checkString(String value, String path, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > max) {
            errors.add("'" + path + "' is " + value.length() + " characters long; the limit is " + max);
            return null;
        }
        String unstorable = SqlText.problem(value);
        if (unstorable != null) {
            errors.add("'" + path + "' " + unstorable);
            return null;
        }
        return value;
    }

    Instant optionalTimestamp(JsonNode parent, String name, String path) {
        String text = optionalString(parent, name, path, 64);
        if (text == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException first) {
            try {
                at = OffsetDateTime.parse(text, OFFSET_NO_COLON).toInstant();
            } catch (DateTimeParseException e) {
                errors.add("'" + path + "' must be an ISO 8601 timestamp such as 2015-07-17T08:42:58.315+0000, got '" + text + "'");
                return null;
            }
        }
        String outOfRange = SqlTime.rangeProblem(at, text);
        if (outOfRange != null) {
            errors.add("'" + path + "' " + outOfRange);
            return null;
        }
        return at;
    }

    /** An optional array of objects each with a required string field (links need href, images need src). */
    String optionalObjectArray(JsonNode parent, String name, String path, String requiredField) {
        JsonNode node = parent == null ? null : parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            errors.add("'" + path + "' must be an array of objects, got " + kind(node));
            return null;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                errors.add("'" + path + "[" + i + "]' must be an object, got " + kind(item));
            } else if (item.get(requiredField) == null || !item.get(requiredField).isString()) {
                errors.add("'" + path + "[" + i + "]." + requiredField + "' is missing or not a string");
            }
        }
        return jsonText(node, path);
    }

    /** Any JSON value (custom details), as JSON text, or null when absent or null. */
    String optionalJson(JsonNode parent, String name, String path) {
        JsonNode node = parent == null ? null : parent.get(name);
        return node == null || node.isNull() ? null : jsonText(node, path);
    }

    /**
     * A JSON value as the text that is stored. The text escapes NUL characters, but not half of a UTF-16 pair, which
     * PostgreSQL would store as '?' (SqlText); the character it counts to is one of that text.
     */
    private String jsonText(JsonNode node, String path) {
        String text = node.toString();
        String unstorable = SqlText.problem(text);
        if (unstorable != null) {
            errors.add("'" + path + "' " + unstorable);
            return null;
        }
        return text;
    }

    static String kind(JsonNode node) {
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }
}
