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

    private final String product;
    private final Path embeddedFile;

    DatabaseInfo(DataSource dataSource, MeterRegistry meters) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            this.product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
            H2FileUrl url = H2FileUrl.parse(c.getMetaData().getURL());
            this.embeddedFile = url == null ? null : url.file();
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
}
