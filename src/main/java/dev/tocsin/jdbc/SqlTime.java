package dev.tocsin.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants to and from TIMESTAMP WITH TIME ZONE, the same way on H2 and PostgreSQL. */
public final class SqlTime {

    /**
     * The instants a person or a sender may give: PostgreSQL's timestamps hold 4713 BC to 294276 AD and H2's far more,
     * so a time outside this range failed a statement on PostgreSQL only, as a 500; a year past 9999 is a typo anyway.
     */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** How a refusal names the range. */
    public static final String RANGE = "between years 0001 and 9999";

    private SqlTime() {
    }

    public static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** Why {@code instant}, read from {@code text}, cannot be stored, in the words of a field error; null if it can. */
    public static String rangeProblem(Instant instant, String text) {
        return inRange(instant) ? null : "must be " + RANGE + ", got '" + text + "'";
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
