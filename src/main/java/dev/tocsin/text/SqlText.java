package dev.tocsin.text;

/**
 * Text as both databases store it. PostgreSQL refuses a NUL character in text, where H2 stores it, so text with one
 * would fail its statement on PostgreSQL only. An unpaired surrogate (half of a UTF-16 pair, which JSON can carry as
 * {@code "\ud800"}) is no character at all: PostgreSQL stores it as {@code ?}, so two different dedup keys could
 * become one, where H2 keeps it. Text a person sends is refused with a 400 ({@link #problem}); text Tocsin records as
 * it came from elsewhere (a monitored target's answer, a receiver's error) has such characters replaced
 * ({@link #storable}).
 */
public final class SqlText {

    private static final char REPLACEMENT = '\uFFFD';

    private SqlText() {
    }

    /** Why the text cannot be stored alike on both databases, as the end of a sentence naming the field, or null. */
    public static String problem(String text) {
        int at = firstUnstorable(text);
        if (at < 0) {
            return null;
        }
        char c = text.charAt(at);
        return c == '\u0000' ? "contains a NUL character"
                : String.format("contains an unpaired surrogate (U+%04X at character %d), half of a UTF-16 pair and not a character",
                (int) c, at + 1);
    }

    /** The text with each NUL character and unpaired surrogate replaced by U+FFFD, the replacement character. */
    public static String storable(String text) {
        int at = firstUnstorable(text);
        if (at < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length()).append(text, 0, at);
        for (int i = at; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                b.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? REPLACEMENT : c);
            }
        }
        return b.toString();
    }

    /**
     * At most {@code max} characters of the text, never ending in the first half of a pair: a cut through an emoji
     * would leave an unpaired surrogate, which PostgreSQL stores as {@code ?}.
     */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = max > 0 && Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    /** The text cut to at most {@code max} characters, the last of them an ellipsis when it was cut. */
    public static String abbreviate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return truncate(text, Math.max(0, max - 1)) + "…";
    }

    private static int firstUnstorable(String text) {
        if (text == null) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return i;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
