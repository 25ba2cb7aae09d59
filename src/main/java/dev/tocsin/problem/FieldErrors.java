package dev.tocsin.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tocsin.text.SqlText;
import tools.jackson.core.JacksonException;

/**
 * Collects the invalid fields of one value so that a single refusal names them all. A value only knows its own
 * field names; whoever builds it inside a larger document adds the path with {@link #within}.
 */
public final class FieldErrors {

    /** Jackson's words for a number its field's type cannot hold: "… out of range of `long` (-9223… - 9223…)". */
    private static final Pattern OUT_OF_RANGE =
            Pattern.compile("^Numeric value \\(.*\\) out of range of `\\w+` \\((-?\\d+) - (-?\\d+)\\)");

    private final List<InvalidInputException.FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new InvalidInputException.FieldError(field, message));
    }

    /**
     * What is wrong with free text a person sent, or null: longer than {@code max}, or holding a NUL character or an
     * unpaired surrogate, which PostgreSQL refuses or alters (H2 stores both), so that the refusal comes here, as a 400,
     * on either database (SqlText).
     */
    public static String textProblem(String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            return "at most " + max + " characters";
        }
        return SqlText.problem(value);
    }

    /**
     * The field a JSON body could not be bound to, named by its path ({@code impact.users_affected},
     * {@code services_affected[1]}), and what was wrong with it in a reader's words rather than Jackson's.
     */
    public static InvalidInputException.FieldError of(JacksonException e) {
        String field = e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? "." + r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
        return new InvalidInputException.FieldError(field.isEmpty() ? "body" : field, bindingProblem(e.getOriginalMessage()));
    }

    private static String bindingProblem(String message) {
        if (message == null) {
            return "invalid value";
        }
        if (message.startsWith("Unrecognized property")) {
            return "unknown field";
        }
        Matcher outOfRange = OUT_OF_RANGE.matcher(message);
        if (outOfRange.find()) {
            return "out of range, expected a whole number from " + outOfRange.group(1) + " to " + outOfRange.group(2);
        }
        if (message.contains("Cannot deserialize value of type")) {
            String type = message.replaceAll(".*value of type `([^`]*)`.*", "$1");
            return "wrong type, expected " + switch (type.replaceAll(".*\\.", "")) {
                case "String" -> "a string";
                case "Long", "long", "Integer", "int" -> "a whole number";
                case "Boolean", "boolean" -> "true or false";
                default -> type.startsWith("java.util.List") ? "a list" : "an object";
            };
        }
        return message.replaceAll("\\s*\\(for Object starting at.*", "").replaceAll("\\s*at \\[Source.*", "");
    }

    /**
     * Builds a nested value and keeps its refusal here rather than throwing it, so that the values beside it are still
     * checked and one refusal names every bad field of the document; null when it was refused. {@code path} is where the
     * value sits (empty for this level). A field already refused here, or a field within it, is not named again: a value
     * built from text that could not be read sees that field as missing, and would say so less precisely.
     */
    public <T> T collect(String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            List<String> refused = errors.stream().map(InvalidInputException.FieldError::field).toList();
            for (InvalidInputException.FieldError f : e.errors()) {
                String field = path.isEmpty() ? f.field() : path + "." + f.field();
                if (refused.stream().noneMatch(r -> r.equals(field) || r.startsWith(field + ".") || r.startsWith(field + "["))) {
                    errors.add(new InvalidInputException.FieldError(field, f.message()));
                }
            }
            return null;
        }
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    /**
     * Builds a nested value, prefixing the fields of its refusal with where it sits, so that a rotation without
     * users built at {@code layers[1].rotation} is refused as {@code layers[1].rotation.users}.
     */
    public static <T> T within(String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> new InvalidInputException.FieldError(path + "." + f.field(), f.message()))
                    .toList());
        }
    }
}
