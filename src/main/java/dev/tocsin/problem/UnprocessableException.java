package dev.tocsin.problem;

/**
 * The request is well-formed, but cannot be carried out as sent (422): an Idempotency-Key sent again with a different
 * body, as the IETF draft on the header has it. Names the field the client has to change.
 */
public class UnprocessableException extends RuntimeException {

    private final InvalidInputException.FieldError error;

    public UnprocessableException(String field, String message) {
        super(field + ": " + message);
        this.error = new InvalidInputException.FieldError(field, message);
    }

    public InvalidInputException.FieldError error() {
        return error;
    }
}
