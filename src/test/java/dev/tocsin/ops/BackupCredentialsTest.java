package dev.tocsin.ops;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A server that runs H2 with its own user and password (TOCSIN_DB_USER, TOCSIN_DB_PASSWORD) can still be backed up. */
class BackupCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void theCopyIsOpenedWithTheServersCredentials() throws Exception {
        String serverUrl = "jdbc:h2:file:" + dir.resolve("live/tocsin") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Path zip = dir.resolve("backup.zip");
        try (Connection c = DriverManager.getConnection(serverUrl, "tocsin", "s3cret")) {
            c.createStatement().execute("CREATE TABLE timeline_event (seq BIGINT PRIMARY KEY, kind VARCHAR(64))");
            c.createStatement().execute("INSERT INTO timeline_event VALUES (1, 'backup.taken')");
            c.createStatement().execute("BACKUP TO '" + zip + "'");
        }
        assertThat(BackupCheck.missing(zip, serverUrl, 1, dir)).as("with sa and no password").startsWith("the copy does not open");
        assertThat(BackupCheck.missing(zip, serverUrl, "tocsin", "s3cret", 1, dir)).isNull();
    }
}
