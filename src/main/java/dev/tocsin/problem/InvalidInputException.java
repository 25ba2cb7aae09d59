package dev.tocsin.problem;

import java.util.List;

/** One or more fields of the request are invalid (400); each error names its field. */
public class InvalidInputException extends RuntimeException {

    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public InvalidInputException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public InvalidInputException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b).orElse("invalid input"));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
