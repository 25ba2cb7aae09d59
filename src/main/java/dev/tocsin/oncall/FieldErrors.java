package dev.tocsin.oncall;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.InvalidInputException.FieldError;

/**
 * Collects the invalid fields of one value so that a single refusal names them all. A value only knows its own
 * field names; whoever builds it inside a larger document adds the path with {@link #within}.
 */
final class FieldErrors {

    private final List<FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    /**
     * Builds a nested value, prefixing the fields of its refusal with where it sits, so that a rotation without
     * users built at {@code layers[1].rotation} is refused as {@code layers[1].rotation.users}.
     */
    static <T> T within(String path, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> new FieldError(path + "." + f.field(), f.message()))
                    .toList());
        }
    }
}
