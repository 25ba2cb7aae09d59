package dev.tocsin.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from TIMESTAMP WITH TIME ZONE, the same way on H2 and PostgreSQL. */
public final class SqlTime {

    private SqlTime() {
    }

    public static OffsetDateTime param(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Both databases keep microseconds; the ledger hashes milliseconds, so store what we hash. */
    public static Instant truncate(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }
}
