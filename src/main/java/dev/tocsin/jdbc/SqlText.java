package dev.tocsin.jdbc;

/**
 * Text as both databases store it. PostgreSQL refuses a NUL character in text, where H2 stores it, so text with one
 * would fail its statement on PostgreSQL only. Text a person sends is refused with a 400 (FieldErrors); text Tocsin
 * records as it came from elsewhere (a monitored target's answer, a receiver's error) has the character replaced.
 */
public final class SqlText {

    private SqlText() {
    }

    public static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    /** The text with each NUL character replaced by U+FFFD, the replacement character. */
    public static String withoutNul(String text) {
        return hasNul(text) ? text.replace('\u0000', '\uFFFD') : text;
    }
}
