package dev.tocsin.problem;

/** The request is well-formed but the current state does not allow it, e.g. an illegal status change (409). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
