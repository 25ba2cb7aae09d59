package dev.tocsin.jdbc;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes that a transaction sends to the database together, as one JDBC batch per statement, instead of one at a
 * time. A batch of intake events inserts an incident and an alert for each new key and updates the alert of each
 * repeat; on PostgreSQL each statement on its own is a round trip to the server, made while the batch holds the
 * timeline lock, so they set the pace of the whole intake.
 *
 * <p>The writes wait only as long as nothing could tell: {@link #flush} runs before any other statement the
 * transaction makes through the application's {@code JdbcClient} (see {@link JdbcConfiguration}), which every
 * repository reads and writes these tables with, and before its commit. So a read, another write, or a foreign key
 * check of a later statement always finds them, and a failing write fails its own transaction, at the latest at its
 * commit. (The timeline's batch insert and db-scheduler use JDBC directly; neither touches these tables.) They are
 * sent kind by kind, in the order of {@link Kind}, and each kind's in the order added. Outside a transaction a write
 * runs at once.
 */
public final class DeferredWrites {

    /**
     * The writes that may wait, in the order they are sent: each after those it depends on (a row after the rows it
     * refers to, an update after the insert of its row).
     */
    public enum Kind { INSERT_INCIDENT, INSERT_INCIDENT_STATE, INSERT_ALERT, INSERT_ALERT_STATE, ALERT_REPEAT }

    private static final Object RESOURCE = DeferredWrites.class;

    private final NamedParameterJdbcOperations jdbc;

    DeferredWrites(NamedParameterJdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /** Runs {@code sql} now or with the transaction's next statement; see the class comment. */
    public void write(Kind kind, String sql, Map<String, ?> params) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            jdbc.update(sql, params);
            return;
        }
        Pending pending = TransactionBound.get(RESOURCE, Pending::new, bound -> flush());
        pending.add(kind, sql, new MapSqlParameterSource(params));
    }

    /** Sends the writes this transaction has waiting, if any. */
    public void flush() {
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(RESOURCE);
        if (pending == null || pending.isEmpty()) {
            return;
        }
        // Emptied first: a failure here fails the transaction, whose writes must not be sent twice.
        List<Statement> statements = pending.drain();
        for (Statement statement : statements) {
            if (statement.rows.size() == 1) {
                jdbc.update(statement.sql, statement.rows.get(0));
            } else {
                jdbc.batchUpdate(statement.sql, statement.rows.toArray(SqlParameterSource[]::new));
            }
        }
    }

    private record Statement(String sql, List<SqlParameterSource> rows) {
    }

    /** The writes waiting, by kind, each kind's in the order added. */
    private static final class Pending {
        private final EnumMap<Kind, Statement> byKind = new EnumMap<>(Kind.class);

        void add(Kind kind, String sql, SqlParameterSource row) {
            Statement statement = byKind.computeIfAbsent(kind, k -> new Statement(sql, new ArrayList<>()));
            if (!statement.sql.equals(sql)) {
                throw new IllegalArgumentException("the " + kind + " writes waiting differ: " + statement.sql);
            }
            statement.rows.add(row);
        }

        boolean isEmpty() {
            return byKind.isEmpty();
        }

        List<Statement> drain() {
            List<Statement> statements = List.copyOf(byKind.values());
            byKind.clear();
            return statements;
        }
    }
}
