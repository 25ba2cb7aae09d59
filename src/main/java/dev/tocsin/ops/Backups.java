package dev.tocsin.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tocsin.problem.ConflictException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online backups of the embedded database: H2's {@code BACKUP TO} writes a consistent copy while Tocsin keeps
 * running, so a backup no longer means stopping it. On PostgreSQL the answer is pg_dump, which does the same better.
 * Taking one is recorded on the timeline first, so the copy holds the record of who took it.
 */
@Service
class Backups {

    private final JdbcClient jdbc;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final DatabaseInfo database;
    private final Path dataDir;

    Backups(JdbcClient jdbc, Timeline timeline, TransactionTemplate tx, DatabaseInfo database,
            @Value("${tocsin.data-dir}") String dataDir) {
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.tx = tx;
        this.database = database;
        this.dataDir = Path.of(dataDir);
    }

    /** Writes a backup (a zip of the database file) and returns its path; the caller deletes it when done. */
    Path take(Actor actor) {
        if (!database.product().startsWith("H2")) {
            throw new ConflictException("Tocsin runs on " + database.product() + ": back it up with pg_dump -Fc "
                    + "(docs/deployment.md#backups); this endpoint copies the embedded H2 database");
        }
        tx.executeWithoutResult(status -> {
            timeline.lock();
            timeline.append(new NewEvent("backup.taken", actor, null, null, null, Map.of("database", database.product())));
        });
        try {
            Files.createDirectories(dataDir);
            Path zip = Files.createTempFile(dataDir, "backup-", ".zip");
            Files.delete(zip); // BACKUP TO creates the file itself
            // The path is ours (the data folder and a random name), never input; quotes are doubled all the same.
            jdbc.sql("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'").update();
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a backup in " + dataDir, e);
        }
    }
}
