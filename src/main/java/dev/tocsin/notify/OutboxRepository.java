package dev.tocsin.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class OutboxRepository {

    private final JdbcClient jdbc;

    OutboxRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean exists(String idempotencyKey) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = :key")
                .param("key", idempotencyKey).query(Long.class).single() > 0;
    }

    void insert(Outbox.NewMessage m, String body, Instant at) {
        jdbc.sql("""
                INSERT INTO outbox_message (idempotency_key, incident_id, user_id, channel, destination, purpose, subject,
                    body, status, attempts, created_at, next_attempt_at)
                VALUES (:key, :incident, :user, :channel, :destination, :purpose, :subject, :body, 'pending', 0, :at, :at)""")
                .param("key", m.idempotencyKey()).param("incident", m.incidentId()).param("user", m.userId())
                .param("channel", m.channel()).param("destination", m.destination()).param("purpose", m.purpose())
                .param("subject", m.subject()).param("body", body).param("at", SqlTime.param(at))
                .update();
    }

    /** Newest first; {@code incidentId} and {@code status} are optional filters. */
    List<OutboxMessage> list(Long incidentId, String status, Long before, int limit) {
        return jdbc.sql("""
                SELECT * FROM outbox_message
                WHERE (CAST(:incident AS BIGINT) IS NULL OR incident_id = :incident)
                  AND (CAST(:status AS VARCHAR) IS NULL OR status = :status)
                  AND (CAST(:before AS BIGINT) IS NULL OR id < :before)
                ORDER BY id DESC LIMIT :limit""")
                .param("incident", incidentId).param("status", status).param("before", before).param("limit", limit)
                .query(OutboxRepository::map).list();
    }

    private static OutboxMessage map(ResultSet rs, int row) throws SQLException {
        return new OutboxMessage(rs.getLong("id"), rs.getString("idempotency_key"), rs.getObject("incident_id", Long.class),
                rs.getString("user_id"), rs.getString("channel"), rs.getString("destination"), rs.getString("purpose"),
                rs.getString("subject"), rs.getString("body"), rs.getString("status"), rs.getInt("attempts"),
                SqlTime.read(rs, "created_at"), SqlTime.read(rs, "next_attempt_at"), SqlTime.read(rs, "sent_at"),
                rs.getString("last_error"));
    }
}
