package dev.tocsin;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Variations of a valid JSON body, drawn from a seeded random so that a failure can be replayed: one to three edits
 * anywhere in the tree (a member removed, renamed or added, a value replaced by one of another type or an extreme of its
 * own), and now and then an edit of the text itself (cut short, a byte dropped, a member twice).
 */
final class JsonMutants {

    /** Values as JSON text, many of which Jackson's tree cannot hold as written (1e400, a 30-digit integer). */
    private static final List<String> ODD_VALUES = List.of("null", "true", "false", "0", "-1", "1.5", "1e308", "-1e308",
            "1e400", "123456789012345678901234567890", "-9223372036854775809", "\"\"", "\" \"", "[]", "{}", "[null]",
            "{\"\":null}", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", "\"2026-13-45T99:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
            "\"+999999999-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"2026-03-01\"", "\"\\u0000\"", "\"\\ud800\"",
            "\"\\udfff x\"", "\"💥🔥\"", "\"\\u202eevil\"", "\"<script>alert(1)</script>\"", "\"' OR 1=1 --\"", "\"%s%n\"",
            "\"${jndi:ldap://127.0.0.1/x}\"", "\"a\\nb\\r\\tc\"", quoted("x".repeat(256)), quoted("y".repeat(1025)),
            quoted("z".repeat(10_001)), quoted("é".repeat(70_000)), "\"critical\"", "\"P9\"", "\"trigger\"", "\"resolve\"",
            "\"acknowledge\"", "\"checkout\"", "\"ana\"", "\"nobody\"", "\"30m\"", "\"-5m\"", "\"99999d\"",
            "\"http://127.0.0.1:9/x\"", "\"javascript:alert(1)\"", "[\"checkout\",\"nope\"]", "[{\"href\":1}]");

    private static final String MARK = "@@odd-value-";

    private final JsonMapper json = JsonMapper.builder().build();
    private final Random random;

    JsonMutants(long seed) {
        this.random = new Random(seed);
    }

    /** A variation of {@code valid}, a JSON document. */
    String of(String valid) {
        JsonNode tree = json.readTree(valid);
        List<String> odd = new ArrayList<>();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            tree = edit(tree, odd);
        }
        String text = json.writeValueAsString(tree);
        for (int i = 0; i < odd.size(); i++) {
            text = text.replace("\"" + MARK + i + "\"", odd.get(i));
        }
        return random.nextInt(10) == 0 ? editText(text) : text;
    }

    private JsonNode edit(JsonNode root, List<String> odd) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty() || random.nextInt(20) == 0) {
            return oddValue(odd);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.isEmpty() ? "extra" : names.get(random.nextInt(names.size()));
            switch (random.nextInt(5)) {
                case 0 -> object.remove(name);
                case 1 -> {
                    JsonNode value = object.remove(name);
                    object.set(name.toUpperCase() + "_", value);
                }
                case 2 -> object.set("unexpected_" + random.nextInt(100), oddValue(odd));
                default -> object.set(name, oddValue(odd));
            }
        } else if (target instanceof ArrayNode array) {
            int size = array.size();
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (size > 0) {
                        array.remove(random.nextInt(size));
                    }
                }
                case 1 -> array.add(oddValue(odd));
                default -> {
                    if (size > 0) {
                        array.set(random.nextInt(size), oddValue(odd));
                    }
                }
            }
        }
        return root;
    }

    private JsonNode oddValue(List<String> odd) {
        odd.add(ODD_VALUES.get(random.nextInt(ODD_VALUES.size())));
        return StringNode.valueOf(MARK + (odd.size() - 1));
    }

    private String editText(String text) {
        if (text.length() < 2) {
            return text + "}";
        }
        int at = 1 + random.nextInt(text.length() - 1);
        return switch (random.nextInt(3)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at - 1) + text.substring(at);
            default -> text.startsWith("{\"") ? "{\"twice\":1,\"twice\":2," + text.substring(1) : text + text;
        };
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        if (node.isContainer()) {
            into.add(node);
            for (JsonNode child : node) {
                collect(child, into);
            }
        }
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }
}
