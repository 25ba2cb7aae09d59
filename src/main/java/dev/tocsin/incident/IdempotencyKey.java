package dev.tocsin.incident;

import java.time.Duration;
import java.util.List;

import dev.tocsin.problem.InvalidInputException;

/**
 * The {@code Idempotency-Key} a client sent with a declaration (the IETF httpapi draft's header, as Stripe has it),
 * within the key space of the API key that sent it.
 */
record IdempotencyKey(String apiKeyName, String value) {

    static final String HEADER = "Idempotency-Key";
    /** How long a key answers with its incident; Stripe keeps them as long. */
    static final Duration KEPT_FOR = Duration.ofHours(24);
    static final int MAX_LENGTH = 255;

    IdempotencyKey {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new InvalidInputException(HEADER, "1 to " + MAX_LENGTH + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                // A header is ISO-8859-1 on the wire: anything past ASCII would be read differently by another proxy.
                throw new InvalidInputException(HEADER, "printable ASCII characters only (a UUID is usual), got "
                        + String.format("U+%04X", (int) c) + " at position " + (i + 1));
            }
        }
    }

    /** The key of a request's header values, or null when it sent none. */
    static IdempotencyKey of(String apiKeyName, List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) {
            return null;
        }
        if (headerValues.size() > 1) {
            throw new InvalidInputException(HEADER, "sent " + headerValues.size() + " times; send it once");
        }
        return new IdempotencyKey(apiKeyName, headerValues.get(0).strip());
    }
}
