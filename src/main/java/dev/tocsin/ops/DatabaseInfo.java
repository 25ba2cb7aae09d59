package dev.tocsin.ops;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

/** Which database engine we run on, read once at start-up for health and logs. */
@Component
class DatabaseInfo {

    private final String product;

    DatabaseInfo(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            this.product = c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        }
    }

    String product() {
        return product;
    }
}
