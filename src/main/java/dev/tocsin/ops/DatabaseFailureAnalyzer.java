package dev.tocsin.ops;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns a database that cannot be opened at start-up (a mistyped TOCSIN_DB_URL, PostgreSQL down, a wrong password,
 * an H2 file another process holds) into a short message naming the database, instead of a page of stack trace.
 */
class DatabaseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

    private final Environment environment;

    DatabaseFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable root, SQLException cause) {
        String url = withoutSecrets(environment.getProperty("spring.datasource.url", "(not set)"));
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        return new FailureAnalysis("Tocsin could not open its database " + url + ":" + System.lineSeparator()
                + "  " + reason.replace("\n", System.lineSeparator() + "  "),
                "Check TOCSIN_DB_URL (and TOCSIN_DB_USER, TOCSIN_DB_PASSWORD for PostgreSQL) and that the database is "
                        + "running and reachable. With the embedded H2 database, check that TOCSIN_DATA_DIR is writable "
                        + "and that no other Tocsin process uses the same data folder. See docs/deployment.md.",
                cause);
    }

    /** The URL as an operator wrote it, minus a password given in it ({@code password=…}, {@code user:secret@}). */
    static String withoutSecrets(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(//[^/@:]+:)[^/@]*@", "$1****@");
    }
}
