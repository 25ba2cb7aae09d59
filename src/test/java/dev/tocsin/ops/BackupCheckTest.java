package dev.tocsin.ops;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check every backup passes before it is handed out, on real H2 copies made by BACKUP TO. */
class BackupCheckTest {

    private static final String SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    @TempDir
    Path dir;

    private String serverUrl() {
        return "jdbc:h2:file:" + dir.resolve("live/tocsin") + SETTINGS;
    }

    /** A database holding timeline entries 1..entries, copied with BACKUP TO while it is open. */
    private Path backupWithEntries(int entries) throws Exception {
        Path zip = dir.resolve("backup.zip");
        try (Connection c = DriverManager.getConnection(serverUrl(), "sa", "")) {
            c.createStatement().execute("CREATE TABLE timeline_event (seq BIGINT PRIMARY KEY, kind VARCHAR(64))");
            for (int seq = 1; seq <= entries; seq++) {
                c.createStatement().execute("INSERT INTO timeline_event VALUES (" + seq + ", 'backup.taken')");
            }
            c.createStatement().execute("BACKUP TO '" + zip + "'");
        }
        return zip;
    }

    @Test
    void aCopyHoldingTheEntryPasses() throws Exception {
        Path zip = backupWithEntries(3);

        assertThat(BackupCheck.missing(zip, serverUrl(), 3, dir)).isNull();
        assertThat(zip).as("the copy itself is left as it was").exists();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("backup-check-"));
        }
    }

    @Test
    void aCopyFromBeforeTheEntryIsRejected() throws Exception {
        Path zip = backupWithEntries(3);

        assertThat(BackupCheck.missing(zip, serverUrl(), 4, dir)).isEqualTo("timeline entry 4 is not in the copy");
    }

    @Test
    void aCopyThatDoesNotOpenIsRejected() throws Exception {
        Path zip = dir.resolve("garbage.zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("tocsin.mv.db"));
            out.write(new byte[64 * 1024]);
        }
        assertThat(BackupCheck.missing(zip, serverUrl(), 1, dir)).startsWith("the copy does not open: ");

        Path empty = dir.resolve("empty.zip");
        try (OutputStream file = Files.newOutputStream(empty); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("notes.txt"));
        }
        assertThat(BackupCheck.missing(empty, serverUrl(), 1, dir)).isEqualTo("the zip holds no .mv.db file");
    }

    @Test
    void theCopyOpensWithTheServersSettingsReadOnly() {
        Path copy = Path.of("/tmp/restored/tocsin");
        assertThat(BackupCheck.restoredUrl("jdbc:h2:file:/data/tocsin;MODE=PostgreSQL;IFEXISTS=FALSE;AUTO_SERVER=TRUE;"
                + "DATABASE_TO_LOWER=TRUE", copy))
                .isEqualTo("jdbc:h2:file:/tmp/restored/tocsin;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE;"
                        + "ACCESS_MODE_DATA=r");
        assertThat(BackupCheck.restoredUrl("jdbc:h2:file:/data/tocsin", copy))
                .isEqualTo("jdbc:h2:file:/tmp/restored/tocsin;IFEXISTS=TRUE;ACCESS_MODE_DATA=r");
        assertThatThrownBy(() -> BackupCheck.restoredUrl("jdbc:postgresql://db/tocsin", copy))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
