package dev.tocsin;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The rows PostgreSQL's statistics say were read from some tables (by scans and through indexes): what a test counts
 * to show that a read no longer walks a whole table as it grows.
 */
public final class PostgresRowsRead {

    private final DataSource dataSource;
    private final String tables;

    public PostgresRowsRead(DataSource dataSource, String... tables) {
        this.dataSource = dataSource;
        this.tables = List.of(tables).stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
    }

    /**
     * The rows read so far. A busy server process reports its counts at most once a second, and ten seconds after its
     * last report when it falls idle: reads done before some step could be counted in its. The pool's connections are
     * closed first, as a process reports its counts when it ends; then the count is read until it holds still.
     */
    public long settled() throws SQLException {
        dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
        long last = soFar();
        for (int n = 0; n < 20; n++) {
            Await.pause(Duration.ofMillis(1300));
            long now = soFar();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("PostgreSQL's row counts did not settle");
    }

    private long soFar() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)), 0)"
                     + " FROM pg_stat_user_tables WHERE relname IN (" + tables + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
