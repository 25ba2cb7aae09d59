package dev.tocsin.monitor;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tocsin.config.Durations;
import tools.jackson.databind.JsonNode;

/**
 * The small language of monitor conditions, over the JSON a health endpoint returns (seed 000's deep health):
 * <pre>
 *   $.status == "healthy"
 *   len($.open_circuits) >= 2
 *   $.memory.percent > 85 || $.database.status != "up"
 *   age($.data_status.last_sync_at) > 24h
 * </pre>
 * Paths start at {@code $} and take {@code .name}, {@code ["any name"]} and {@code [index]}; literals are numbers,
 * "strings", durations ({@code 90s}, {@code 24h}), {@code true}, {@code false} and {@code null}; operators are
 * {@code == != > >= < <=}, {@code && || !} and parentheses; functions are {@code len(x)} (items of an array or
 * object, characters of a string), {@code age(x)} (time since an ISO 8601 instant or epoch seconds) and
 * {@code exists(path)}. A missing field is {@code null}; a comparison that does not apply (a string against a
 * number, anything against a missing field other than with {@code ==} or {@code !=}) is false, so a condition
 * never throws. Parsing reports the column of the first error.
 */
final class Expression {

    /** A syntax error at {@code column} (1-based) of the expression. */
    static final class ParseException extends RuntimeException {
        final int column;

        ParseException(int column, String message) {
            super("at column " + column + ": " + message, null, false, false);
            this.column = column;
        }
    }

    private sealed interface Node permits Literal, Path, Call, Not, Binary {
    }

    private record Literal(Object value) implements Node {
    }

    /** Steps are Strings (field names) and Integers (array indexes). */
    private record Path(List<Object> steps) implements Node {
    }

    private record Call(String function, Node argument) implements Node {
    }

    private record Not(Node operand) implements Node {
    }

    private record Binary(String operator, Node left, Node right) implements Node {
    }

    private final String text;
    private final Node root;

    private Expression(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    static Expression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ParseException(1, "empty condition");
        }
        Parser parser = new Parser(text);
        Node node = parser.or();
        parser.skipSpace();
        if (!parser.atEnd()) {
            throw parser.error("unexpected '" + parser.rest() + "'");
        }
        return new Expression(text, node);
    }

    String text() {
        return text;
    }

    /** True when the condition holds for this document at {@code now}. */
    boolean test(JsonNode document, Instant now) {
        return truthy(eval(root, document, now));
    }

    /** The value of the expression, for messages ("$.memory.percent is 91.5"). */
    Object value(JsonNode document, Instant now) {
        return eval(root, document, now);
    }

    private static final java.util.Set<String> COMPARISONS = java.util.Set.of("==", "!=", ">", ">=", "<", "<=");

    /**
     * When the expression is one comparison, what its left side came to ("it is 91.5" beside
     * {@code $.memory.percent > 85}); empty for anything else, or when the left side is a list or an object.
     */
    java.util.Optional<Object> comparedValue(JsonNode document, Instant now) {
        if (root instanceof Binary b && COMPARISONS.contains(b.operator())) {
            Object left = eval(b.left(), document, now);
            return left instanceof JsonNode ? java.util.Optional.empty() : java.util.Optional.ofNullable(left)
                    .or(() -> java.util.Optional.of(MISSING));
        }
        return java.util.Optional.empty();
    }

    /** What {@link #comparedValue} reports for a field that is not there. */
    static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "missing";
        }
    };

    @Override
    public String toString() {
        return text;
    }

    private static Object eval(Node node, JsonNode doc, Instant now) {
        if (node instanceof Literal l) {
            return l.value();
        }
        if (node instanceof Path p) {
            return resolve(p, doc);
        }
        if (node instanceof Not n) {
            return !truthy(eval(n.operand(), doc, now));
        }
        if (node instanceof Call c) {
            return call(c, doc, now);
        }
        return binary((Binary) node, doc, now);
    }

    private static Object resolve(Path path, JsonNode doc) {
        JsonNode current = doc;
        for (Object step : path.steps()) {
            if (current == null || current.isMissingNode() || current.isNull()) {
                return null;
            }
            current = step instanceof Integer i ? current.get(i) : current.get((String) step);
        }
        return toValue(current);
    }

    /** JSON to the evaluator's values: BigDecimal, String, Boolean, null, or the node itself (arrays, objects). */
    private static Object toValue(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isString()) {
            return node.asString();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node;
    }

    private static Object call(Call c, JsonNode doc, Instant now) {
        Object v = eval(c.argument(), doc, now);
        return switch (c.function()) {
            case "len" -> v instanceof JsonNode n ? BigDecimal.valueOf(n.size())
                    : v instanceof String s ? BigDecimal.valueOf(s.length()) : null;
            case "exists" -> v != null;
            case "age" -> age(v, now);
            default -> throw new IllegalStateException(c.function());
        };
    }

    private static Duration age(Object v, Instant now) {
        Instant at = null;
        if (v instanceof String s) {
            try {
                at = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException notIso) {
                try {
                    at = Instant.parse(s);
                } catch (DateTimeParseException ignored) {
                    return null;
                }
            }
        } else if (v instanceof BigDecimal seconds) {
            at = Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
        return at == null ? null : Duration.between(at, now);
    }

    private static Object binary(Binary b, JsonNode doc, Instant now) {
        if (b.operator().equals("&&")) {
            return truthy(eval(b.left(), doc, now)) && truthy(eval(b.right(), doc, now));
        }
        if (b.operator().equals("||")) {
            return truthy(eval(b.left(), doc, now)) || truthy(eval(b.right(), doc, now));
        }
        Object left = eval(b.left(), doc, now);
        Object right = eval(b.right(), doc, now);
        if (b.operator().equals("==")) {
            return same(left, right);
        }
        if (b.operator().equals("!=")) {
            return !same(left, right);
        }
        Integer order = compare(left, right);
        if (order == null) {
            return false;
        }
        return switch (b.operator()) {
            case ">" -> order > 0;
            case ">=" -> order >= 0;
            case "<" -> order < 0;
            case "<=" -> order <= 0;
            default -> throw new IllegalStateException(b.operator());
        };
    }

    private static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        Integer order = compare(a, b);
        return order != null ? order == 0 : a.equals(b);
    }

    private static Integer compare(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y);
        }
        if (a instanceof Duration x && b instanceof Duration y) {
            return x.compareTo(y);
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        return null;
    }

    private static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof BigDecimal d) {
            return d.signum() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof JsonNode n) {
            return !n.isEmpty();
        }
        return true;
    }

    /** Recursive descent over the text; positions are 0-based inside, reported 1-based. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Node or() {
            Node left = and();
            while (accept("||")) {
                left = new Binary("||", left, and());
            }
            return left;
        }

        Node and() {
            Node left = not();
            while (accept("&&")) {
                left = new Binary("&&", left, not());
            }
            return left;
        }

        Node not() {
            skipSpace();
            if (peek('!') && !s.startsWith("!=", pos)) {
                pos++;
                return new Not(not());
            }
            return comparison();
        }

        Node comparison() {
            Node left = value();
            for (String op : List.of("==", "!=", ">=", "<=", ">", "<")) {
                if (accept(op)) {
                    return new Binary(op, left, value());
                }
            }
            return left;
        }

        Node value() {
            skipSpace();
            if (atEnd()) {
                throw error("expected a value");
            }
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                Node inner = or();
                expect(")");
                return inner;
            }
            if (c == '$') {
                return path();
            }
            if (c == '"' || c == '\'') {
                return new Literal(string());
            }
            if (Character.isDigit(c) || c == '-' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
                return number();
            }
            if (Character.isLetter(c)) {
                int start = pos;
                String word = identifier();
                switch (word) {
                    case "true":
                        return new Literal(Boolean.TRUE);
                    case "false":
                        return new Literal(Boolean.FALSE);
                    case "null":
                        return new Literal(null);
                    case "len", "age", "exists":
                        skipSpace();
                        if (!peek('(')) {
                            throw error("expected '(' after " + word);
                        }
                        pos++;
                        Node argument = or();
                        expect(")");
                        if (word.equals("exists") && !(argument instanceof Path)) {
                            throw new ParseException(start + 1, "exists() takes a path such as $.field");
                        }
                        return new Call(word, argument);
                    default:
                        throw new ParseException(start + 1, "unknown name '" + word
                                + "': expected a path ($.field), a literal, or len(), age(), exists()");
                }
            }
            throw error("unexpected '" + c + "'");
        }

        Node path() {
            pos++; // $
            List<Object> steps = new ArrayList<>();
            while (!atEnd()) {
                if (peek('.')) {
                    pos++;
                    if (atEnd() || !(Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                        throw error("expected a field name after '.'");
                    }
                    steps.add(identifier());
                } else if (peek('[')) {
                    pos++;
                    skipSpace();
                    if (peek('"') || peek('\'')) {
                        steps.add(string());
                    } else if (!atEnd() && Character.isDigit(s.charAt(pos))) {
                        int start = pos;
                        while (!atEnd() && Character.isDigit(s.charAt(pos))) {
                            pos++;
                        }
                        steps.add(Integer.parseInt(s.substring(start, pos)));
                    } else {
                        throw error("expected an index or a quoted name inside [ ]");
                    }
                    expect("]");
                } else {
                    break;
                }
            }
            return new Path(List.copyOf(steps));
        }

        Node number() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            while (!atEnd() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos++;
            }
            // A unit right after the digits makes a duration: 90s, 15m, 24h, 2d, 500ms.
            int unitStart = pos;
            while (!atEnd() && Character.isLetter(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, unitStart);
            if (unitStart < pos) {
                try {
                    return new Literal(Durations.parse(s.substring(start, pos).toLowerCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ParseException(start + 1, "expected a number or a duration such as 90s, 15m, 24h, got '"
                            + s.substring(start, pos) + "'");
                }
            }
            try {
                return new Literal(new BigDecimal(digits));
            } catch (NumberFormatException e) {
                throw new ParseException(start + 1, "not a number: '" + digits + "'");
            }
        }

        String string() {
            char quote = s.charAt(pos);
            int start = pos++;
            StringBuilder out = new StringBuilder();
            while (!atEnd() && s.charAt(pos) != quote) {
                if (s.charAt(pos) == '\\' && pos + 1 < s.length()) {
                    pos++;
                }
                out.append(s.charAt(pos++));
            }
            if (atEnd()) {
                throw new ParseException(start + 1, "unterminated string");
            }
            pos++;
            return out.toString();
        }

        String identifier() {
            int start = pos;
            while (!atEnd() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '-')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        boolean accept(String token) {
            skipSpace();
            if (s.startsWith(token, pos)) {
                // ">" must not eat the first half of ">=" and so on: the caller tries the longer ones first.
                pos += token.length();
                return true;
            }
            return false;
        }

        void expect(String token) {
            if (!accept(token)) {
                throw error("expected '" + token + "'");
            }
        }

        boolean peek(char c) {
            return !atEnd() && s.charAt(pos) == c;
        }

        void skipSpace() {
            while (!atEnd() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        String rest() {
            return s.substring(pos);
        }

        ParseException error(String message) {
            return new ParseException(pos + 1, message + (atEnd() ? " at the end" : ""));
        }
    }
}
