package dev.tocsin.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import dev.tocsin.timeline.ChainVerification;
import dev.tocsin.timeline.Timeline;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tocsin copy-database}: moves a stopped Tocsin's embedded H2 database into an empty PostgreSQL database, for
 * a team that outgrew one node. The target gets the same migrations, then every row as it was (the same ids, the
 * same hash chain, the timers still waiting); the copy is checked by walking the audit chain and counting rows.
 */
@Command(name = "copy-database", mixinStandardHelpOptions = true,
        description = {"Copy a stopped Tocsin's embedded H2 database into an empty PostgreSQL database.",
                "Run it while Tocsin is stopped; then start Tocsin with TOCSIN_DB_URL set to the target."})
final class CopyDatabaseCommand implements Callable<Integer> {

    /** Where the migrations are, as the server reads them (spring.flyway.locations). */
    private static final String MIGRATIONS = "classpath:db/migration";

    @ParentCommand
    TocsinCli root;

    @Option(names = "--to", required = true, paramLabel = "JDBC_URL",
            description = "the PostgreSQL database to copy into, jdbc:postgresql://HOST:PORT/NAME; it must be empty")
    String to;

    @Option(names = "--user", paramLabel = "NAME", description = "the target's user (default: TOCSIN_DB_USER)")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true,
            description = "the target's password; without a value it is asked for (default: TOCSIN_DB_PASSWORD)")
    char[] password;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR",
            description = "the stopped Tocsin's data folder (default: TOCSIN_DATA_DIR, or ./data)")
    Path dataDir;

    @Option(names = "--h2-user", paramLabel = "NAME", defaultValue = "sa",
            description = "the H2 database's user (default: ${DEFAULT-VALUE}, as Tocsin creates it)")
    String h2User;

    @Option(names = "--h2-password", paramLabel = "PASSWORD", defaultValue = "",
            description = "the H2 database's password (default: none, as Tocsin creates it)")
    String h2Password;

    @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "1000",
            description = "rows per batch written to the target (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    public Integer call() {
        if (!to.startsWith("jdbc:postgresql:")) {
            throw new CliFailure(CliFailure.USAGE, "--to must be a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/NAME), not "
                    + masked(to));
        }
        if (batchSize < 1) {
            throw new CliFailure(CliFailure.USAGE, "--batch-size must be at least 1, not " + batchSize);
        }
        EmbeddedDatabaseFile database = EmbeddedDatabaseFile.of(root, dataDir);
        Path file = database.file();
        // Flyway reports each migration it applies, and warns that it was verified with an older H2, on standard
        // output, where --json must be alone; the summary says what the operator needs, and a failure still throws.
        if (LoggerFactory.getLogger("org.flywaydb") instanceof ch.qos.logback.classic.Logger flyway) {
            flyway.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        long started = System.nanoTime();
        try (Connection source = openH2(database)) {
            DataSource targetDatabase = targetDataSource();
            try (Connection target = openTarget(targetDatabase)) {
                String version = sameSchemaVersion(source);
                refuseUnlessEmpty(target);
                migrate(targetDatabase);
                DatabaseCopy copy = new DatabaseCopy(source, target, batchSize);
                DatabaseCopy.Copied copied;
                try {
                    copied = copy.copy();
                } catch (SQLException e) {
                    throw new CliFailure(CliFailure.UNREACHABLE, "the copy failed and was rolled back, so the target holds "
                            + "none of the data (run the command again once the cause is fixed): " + e.getMessage());
                }
                List<DatabaseCopy.TableCount> counts = copy.counts(copied.tables());
                ChainVerification chain = Timeline.verify(new SingleConnectionDataSource(target, true));
                report(file, version, copied, counts, chain, (System.nanoTime() - started) / 1_000_000);
                if (counts.stream().anyMatch(c -> !c.equal())) {
                    throw new CliFailure(CliFailure.REFUSED, "the row counts differ after the copy (above); "
                            + "do not start Tocsin on the target");
                }
                if (!chain.ok()) {
                    throw new CliFailure(CliFailure.REFUSED, "the audit chain on the target is broken at entry "
                            + chain.firstBroken().seq() + ": " + chain.firstBroken().reason()
                            + " (tocsin audit verify on the H2 node shows whether it was broken there already)");
                }
            }
        } catch (DatabaseCopy.SchemaMismatch e) {
            throw new CliFailure(CliFailure.REFUSED, "cannot copy: " + e.getMessage() + ". No data was written.");
        } catch (SQLException e) {
            throw new CliFailure(CliFailure.UNREACHABLE, "a database failed during the copy: " + e.getMessage());
        }
        return 0;
    }

    private Connection openH2(EmbeddedDatabaseFile database) {
        // Lazy, so a table of millions of rows is read a batch at a time.
        return database.open(h2User, h2Password, ";LAZY_QUERY_EXECUTION=TRUE", "open");
    }

    /**
     * The H2 database's schema version, which must be this jar's: the copy is only faithful between equal schemas,
     * and the target gets this jar's migrations.
     */
    private static String sameSchemaVersion(Connection source) {
        MigrationInfoService info = Flyway.configure().dataSource(new SingleConnectionDataSource(source, true))
                .locations(MIGRATIONS).load().info();
        MigrationInfo current = info.current();
        String version = current == null ? "none" : current.getVersion().getVersion();
        if (info.pending().length > 0) {
            String latest = info.pending()[info.pending().length - 1].getVersion().getVersion();
            throw new CliFailure(CliFailure.REFUSED, "the H2 database is at schema version " + version + " and this Tocsin's is "
                    + latest + ": start this version of Tocsin on it once (it migrates the database), stop it, then copy");
        }
        for (MigrationInfo applied : info.applied()) {
            if (applied.getState() == MigrationState.FUTURE_SUCCESS || applied.getState() == MigrationState.FUTURE_FAILED) {
                throw new CliFailure(CliFailure.REFUSED, "the H2 database was written by a newer Tocsin (schema version "
                        + version + "): copy it with that version's jar");
            }
        }
        return version;
    }

    private DataSource targetDataSource() {
        DriverManagerDataSource database = new DriverManagerDataSource(to);
        Properties properties = new Properties();
        String name = user != null ? user : root.env("TOCSIN_DB_USER");
        if (name != null) {
            properties.setProperty("user", name);
        }
        String secret = password != null ? new String(password) : root.env("TOCSIN_DB_PASSWORD");
        if (secret != null) {
            properties.setProperty("password", secret);
        }
        // One INSERT of many rows per batch instead of one statement per row.
        properties.setProperty("reWriteBatchedInserts", "true");
        database.setConnectionProperties(properties);
        return database;
    }

    private Connection openTarget(DataSource database) {
        try {
            return database.getConnection();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 28…: the server answered and refused the login; 3D000: no such database. Both are the operator's to fix.
            int code = state.startsWith("28") || state.equals("3D000") ? CliFailure.REFUSED : CliFailure.UNREACHABLE;
            throw new CliFailure(code, "cannot connect to the target " + masked(to) + ": " + e.getMessage());
        }
    }

    /**
     * Refuses a target that holds anything: the copy must not mix two installations. A target with Tocsin's tables
     * and an empty timeline is one a copy was rolled back from (a node that started on it would have written the
     * timeline), so it is taken as empty.
     */
    private void refuseUnlessEmpty(Connection target) throws SQLException {
        Set<String> tables = DatabaseCopy.tables(target);
        if (tables.isEmpty()) {
            return;
        }
        long entries = -1;
        if (tables.contains("timeline_event")) {
            try (var s = target.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM timeline_event")) {
                rs.next();
                entries = rs.getLong(1);
            }
        }
        if (entries == 0) {
            return;
        }
        throw new CliFailure(CliFailure.REFUSED, "the target " + masked(to) + " is not empty (" + tables.size() + " tables"
                + (entries > 0 ? ", " + entries + " timeline entries" : "") + "): copy-database writes only into an empty "
                + "database. Create a new one (CREATE DATABASE tocsin OWNER tocsin) and do not start Tocsin on it before "
                + "the copy. Nothing was written.");
    }

    private static void migrate(DataSource target) {
        try {
            Flyway.configure().dataSource(target).locations(MIGRATIONS).load().migrate();
        } catch (FlywayException e) {
            throw new CliFailure(CliFailure.REFUSED, "cannot apply Tocsin's migrations to the target: " + e.getMessage());
        }
    }

    private void report(Path file, String version, DatabaseCopy.Copied copied, List<DatabaseCopy.TableCount> counts,
                        ChainVerification chain, long millis) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", file.toString());
        json.put("target", masked(to));
        json.put("schema_version", version);
        List<Map<String, Object>> tables = new ArrayList<>();
        for (DatabaseCopy.TableCount count : counts) {
            tables.add(Map.of("table", count.table(), "source_rows", count.source(), "target_rows", count.target()));
        }
        json.put("tables", tables);
        json.put("not_copied", DatabaseCopy.NOT_COPIED);
        json.put("sequences", copied.sequences().stream()
                .map(s -> Map.of("table", s.table(), "column", s.column(), "next", s.next())).toList());
        json.put("pending_timers", copied.pendingTimers());
        json.put("audit_ok", chain.ok());
        json.put("audit_entries", chain.entries());
        json.put("audit_head", chain.headHash());
        json.put("millis", millis);
        if (root.printedJson(json)) {
            return;
        }
        var out = root.out();
        out.printf("Copied %s to %s (schema version %s) in %.1f s.%n", file, masked(to), version, millis / 1000.0);
        out.printf("  %-22s %12s %12s%n", "TABLE", "H2", "TARGET");
        for (DatabaseCopy.TableCount count : counts) {
            out.printf("  %-22s %,12d %,12d%s%n", count.table(), count.source(), count.target(),
                    count.equal() ? "" : "  DIFFERENT");
        }
        long differing = counts.stream().filter(c -> !c.equal()).count();
        out.printf("%d tables, %,d rows: %s.%n", counts.size(), copied.rows(),
                differing == 0 ? "every count is the same on both sides" : differing + " tables differ");
        DatabaseCopy.NOT_COPIED.forEach((table, why) -> out.printf("Not copied: %s (%s).%n", table, why));
        out.printf("Sequences set past the copied ids: %s.%n", copied.sequences().isEmpty() ? "none"
                : String.join(", ", copied.sequences().stream().map(s -> s.table() + "." + s.column() + " from " + s.next()).toList()));
        out.printf("Timers waiting to fire (escalation steps, reminders): %,d.%n", copied.pendingTimers());
        if (chain.ok()) {
            out.printf("Audit chain intact on the target: %,d entries, head %s.%n", chain.entries(), chain.headHash());
            out.println("Next: start Tocsin with TOCSIN_DB_URL, TOCSIN_DB_USER and TOCSIN_DB_PASSWORD set to the target; "
                    + "keep " + file + " until you have checked it.");
        } else {
            out.printf("Audit chain BROKEN on the target at entry %d: %s.%n", chain.firstBroken().seq(),
                    chain.firstBroken().reason());
        }
    }

    /** The URL as given, minus a password in it ({@code password=…}, {@code user:secret@}). */
    private static String masked(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(//[^/@:]+:)[^/@]*@", "$1****@");
    }
}
