package dev.tocsin.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.ServiceUnavailableException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online backups of the embedded database: H2's {@code BACKUP TO} writes a consistent copy while Tocsin keeps
 * running, so a backup no longer means stopping it. On PostgreSQL the answer is pg_dump, which does the same better.
 *
 * <p>Taking one is recorded on the timeline first, and each copy is restored and checked for that entry before it is
 * handed out. A copy that holds the entry holds everything committed before the backup was asked for. H2 2.5.252 failed
 * this in every copy once space in its file was reused (docs/performance.md, "H2 2.5 and the store header"); the check
 * keeps a release with a fault of that kind from handing out a backup that silently lacks the latest commits.
 */
@Service
class Backups {

    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private final JdbcClient jdbc;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final DatabaseInfo database;
    private final Path dataDir;
    private final String databaseUrl;
    private final String databaseUser;
    private final String databasePassword;

    Backups(JdbcClient jdbc, Timeline timeline, TransactionTemplate tx, DatabaseInfo database,
            @Value("${tocsin.data-dir}") String dataDir, @Value("${spring.datasource.url}") String databaseUrl,
            @Value("${spring.datasource.username:sa}") String databaseUser,
            @Value("${spring.datasource.password:}") String databasePassword) {
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.tx = tx;
        this.database = database;
        this.dataDir = Path.of(dataDir);
        this.databaseUrl = databaseUrl;
        this.databaseUser = databaseUser;
        this.databasePassword = databasePassword;
    }

    /** Writes a backup (a zip of the database file) and returns its path; the caller deletes it when done. */
    Path take(Actor actor) {
        if (!database.product().startsWith("H2")) {
            throw new ConflictException("Tocsin runs on " + database.product() + ": back it up with pg_dump -Fc "
                    + "(docs/deployment.md#backups); this endpoint copies the embedded H2 database");
        }
        long entry = tx.execute(status -> {
            timeline.lock();
            return timeline.append(new NewEvent("backup.taken", actor, null, null, null,
                    Map.of("database", database.product())));
        });
        // One copy, no retries: a copy that fails is the file's state, not bad timing (with H2 2.5.252, copies taken
        // a second apart failed alike), so a second copy of the same file would fail the same way.
        try {
            Files.createDirectories(dataDir);
            Path zip = copy();
            String missing = BackupCheck.missing(zip, databaseUrl, databaseUser, databasePassword, entry, dataDir);
            if (missing == null) {
                return zip;
            }
            Files.delete(zip);
            log.error("event=backup.copy_rejected reason=\"{}\" action=\"stop Tocsin and copy the file instead "
                    + "(docs/deployment.md#backups)\"", missing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a backup in " + dataDir, e);
        }
        throw new ServiceUnavailableException("the copy of the database did not hold every committed write ("
                + "the log says why); no backup was sent", 60);
    }

    private Path copy() throws IOException {
        Path zip = Files.createTempFile(dataDir, "backup-", ".zip");
        Files.delete(zip); // BACKUP TO creates the file itself
        // The path is ours (the data folder and a random name), never input; quotes are doubled all the same.
        jdbc.sql("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'").update();
        return zip;
    }
}
