package dev.tocsin.cli;

/** A command that could not do its job: the sentence to print, and the exit code that tells scripts why. */
final class CliFailure extends RuntimeException {

    /** The server refused the request (4xx), or what was checked is not healthy. */
    static final int REFUSED = 1;
    /** The command line itself is wrong. */
    static final int USAGE = 2;
    /** Tocsin could not be reached, or failed on its side (5xx). */
    static final int UNREACHABLE = 3;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
