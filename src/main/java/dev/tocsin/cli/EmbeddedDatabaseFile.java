package dev.tocsin.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A stopped server's H2 database in its data folder, for the commands that work on the file itself ({@code compact},
 * {@code copy-database}): found where the server keeps it, and opened as the server opens it.
 */
record EmbeddedDatabaseFile(Path dir, Path file) {

    /** The database of {@code dataDir}, or of TOCSIN_DATA_DIR (./data); a usage error when there is none. */
    static EmbeddedDatabaseFile of(TocsinCli root, Path dataDir) {
        Path dir = dataDir != null ? dataDir : Path.of(root.env("TOCSIN_DATA_DIR", "data"));
        Path file = dir.resolve("tocsin.mv.db");
        if (!Files.isRegularFile(file)) {
            throw new CliFailure(CliFailure.USAGE, "no embedded database at " + file + " (set --data-dir or TOCSIN_DATA_DIR)");
        }
        return new EmbeddedDatabaseFile(dir, file);
    }

    /**
     * Opens it with the server's own mode, so the file is read as it wrote it, and IFEXISTS, so that nothing is ever
     * created here; {@code settings} are added to the URL. A database a running server holds is refused by name,
     * {@code doing} saying what could not be done ("compact", "open").
     */
    Connection open(String user, String password, String settings, String doing) {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("tocsin")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;IFEXISTS=TRUE" + settings;
        try {
            return DriverManager.getConnection(url, user, password);
        } catch (SQLException e) {
            String why = e.getMessage() != null && e.getMessage().contains("already in use")
                    ? "the database is in use: stop Tocsin first" : e.getMessage();
            throw new CliFailure(CliFailure.REFUSED, "cannot " + doing + " " + file + ": " + why);
        }
    }
}
