package dev.tocsin.problem;

/** The thing named by the request does not exist (404). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
