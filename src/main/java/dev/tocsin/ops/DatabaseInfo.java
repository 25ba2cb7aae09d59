package dev.tocsin.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Which database engine we run on, read once at start-up for health and logs, and the embedded file's size. */
@Component
class DatabaseInfo {

    private static final String H2_FILE_URL = "jdbc:h2:file:";

    private final String product;
    private final Path embeddedFile;

    DatabaseInfo(DataSource dataSource, MeterRegistry meters) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            this.product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            this.embeddedFile = embeddedFile(c.getMetaData().getURL());
        }
        if (embeddedFile != null) {
            // The file grows past its data while the node runs and shrinks at a graceful stop (docs/deployment.md#disk):
            // worth an alert on the disk long before it fills.
            Gauge.builder("tocsin.database.file.size", this, info -> info.embeddedFileBytes())
                    .baseUnit("bytes").description("Size of the embedded H2 database file").register(meters);
        }
    }

    String product() {
        return product;
    }

    /** True on the embedded H2 file database, false on PostgreSQL. */
    boolean embedded() {
        return embeddedFile != null;
    }

    /** Bytes of the embedded H2 file, or -1 on PostgreSQL (or if it cannot be read). */
    long embeddedFileBytes() {
        try {
            return embeddedFile == null ? -1 : Files.size(embeddedFile);
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code jdbc:h2:file:/data/tocsin;MODE=...} keeps its data in {@code /data/tocsin.mv.db}. */
    private static Path embeddedFile(String url) {
        if (url == null || !url.startsWith(H2_FILE_URL)) {
            return null;
        }
        String name = url.substring(H2_FILE_URL.length());
        int options = name.indexOf(';');
        return Path.of((options < 0 ? name : name.substring(0, options)) + ".mv.db");
    }
}
