package dev.tocsin.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. Each scope includes the ones before it: admin ⊃ write ⊃ read ⊃ calendar. A calendar key
 * reads the iCalendar feeds and nothing else, since it lives in a URL (calendar settings, proxy logs).
 */
public enum Scope {
    CALENDAR, READ, WRITE, ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority that stands for this scope. */
    String authority() {
        return "SCOPE_" + wire();
    }

    /** Spring Security authorities for this scope and every scope it includes. */
    List<String> authorities() {
        return Arrays.stream(values()).filter(s -> s.ordinal() <= ordinal()).map(Scope::authority).toList();
    }

    public static Optional<Scope> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
