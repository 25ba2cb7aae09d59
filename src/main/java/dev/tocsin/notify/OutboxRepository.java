package dev.tocsin.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

    Optional<OutboxMessage> findByKey(String idempotencyKey) {
        return jdbc.sql("SELECT * FROM outbox_message WHERE idempotency_key = :key").param("key", idempotencyKey)
                .query(OutboxRepository::map).optional();
    }

    Optional<OutboxMessage> find(long id) {
        return jdbc.sql("SELECT * FROM outbox_message WHERE id = :id").param("id", id)
                .query(OutboxRepository::map).optional();
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

    /**
     * A destination's pending messages that are due and not leased by a sender, oldest first; none while the
     * destination has asked us to wait (Retry-After).
     */
    List<OutboxMessage> due(String destination, Instant now, int limit) {
        return jdbc.sql("""
                SELECT * FROM outbox_message
                WHERE status = 'pending' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                  AND destination = :destination
                  AND NOT EXISTS (SELECT 1 FROM delivery_window w WHERE w.destination = :destination AND w.paused_until > :now)
                ORDER BY id LIMIT :limit""")
                .param("destination", destination).param("now", SqlTime.param(now)).param("limit", limit)
                .query(OutboxRepository::map).list();
    }

    /**
     * Pending messages that are due and not leased: at most {@code perDestination} of each destination, its oldest,
     * and at most {@code limit} in all, every destination's first message before any destination's second. None of
     * a destination that has asked us to wait (Retry-After).
     */
    List<OutboxMessage> dueFairly(Instant now, int perDestination, int limit) {
        return jdbc.sql("""
                SELECT * FROM (
                    SELECT m.*, ROW_NUMBER() OVER (PARTITION BY destination ORDER BY id) AS place
                    FROM outbox_message m
                    WHERE status = 'pending' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                      AND NOT EXISTS (SELECT 1 FROM delivery_window w WHERE w.destination = m.destination AND w.paused_until > :now)
                ) due
                WHERE place <= :perDestination
                ORDER BY place, id LIMIT :limit""")
                .param("now", SqlTime.param(now)).param("perDestination", perDestination).param("limit", limit)
                .query(OutboxRepository::map).list();
    }

    /** When the next pending message comes due, if any is waiting. */
    Optional<Instant> nextDue() {
        return jdbc.sql("SELECT MIN(COALESCE(lease_until, next_attempt_at)) FROM outbox_message WHERE status = 'pending'")
                .query((rs, row) -> {
                    java.time.OffsetDateTime at = rs.getObject(1, java.time.OffsetDateTime.class);
                    return at == null ? null : at.toInstant();
                }).list().stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /**
     * Leases those of {@code ids} still pending, due and free, skipping rows another node is claiming this instant
     * (the ids were read a moment ago: another node may have sent them since, put them back for later, or been
     * asked by the destination to wait);
     * call inside a transaction. Returns the leased rows, attempts already counted.
     */
    List<OutboxMessage> claim(List<Long> ids, Instant now, Instant leaseUntil, String owner) {
        List<Long> free = jdbc.sql("""
                SELECT id FROM outbox_message
                WHERE id IN (:ids) AND status = 'pending' AND next_attempt_at <= :now
                  AND (lease_until IS NULL OR lease_until < :now)
                  AND NOT EXISTS (SELECT 1 FROM delivery_window w
                                  WHERE w.destination = outbox_message.destination AND w.paused_until > :now)
                ORDER BY id FOR UPDATE SKIP LOCKED""")
                .param("ids", ids).param("now", SqlTime.param(now)).query(Long.class).list();
        if (free.isEmpty()) {
            return List.of();
        }
        jdbc.sql("UPDATE outbox_message SET lease_until = :until, lease_owner = :owner, attempts = attempts + 1 WHERE id IN (:ids)")
                .param("until", SqlTime.param(leaseUntil)).param("owner", owner).param("ids", free).update();
        return jdbc.sql("SELECT * FROM outbox_message WHERE id IN (:ids) ORDER BY id").param("ids", free)
                .query(OutboxRepository::map).list();
    }

    /**
     * Those of {@code ids} that {@code owner} still leases, locked until the transaction ends: a sender whose lease
     * ran out and was taken over by another node (or whose message another node has since sent) records nothing.
     */
    List<Long> heldBy(List<Long> ids, String owner) {
        return jdbc.sql("""
                SELECT id FROM outbox_message
                WHERE id IN (:ids) AND status = 'pending' AND lease_owner = :owner
                ORDER BY id FOR UPDATE""")
                .param("ids", ids).param("owner", owner).query(Long.class).list();
    }

    void markSent(List<Long> ids, Instant at, Integer status, int batchSize) {
        jdbc.sql("""
                UPDATE outbox_message SET status = 'sent', sent_at = :at, lease_until = NULL, lease_owner = NULL,
                    last_error = NULL, last_status = :status, batch_size = :batch
                WHERE id IN (:ids)""")
                .param("at", SqlTime.param(at)).param("status", status).param("batch", batchSize).param("ids", ids)
                .update();
    }

    /** Back to pending, due at {@code next}; {@code uncounted} hands back the attempt the claim counted. */
    void retryLater(List<Long> ids, Instant next, String error, Integer status, boolean uncounted) {
        jdbc.sql("""
                UPDATE outbox_message SET next_attempt_at = :next, lease_until = NULL, lease_owner = NULL,
                    last_error = :error, last_status = :status, attempts = attempts - :refund
                WHERE id IN (:ids)""")
                .param("next", SqlTime.param(next)).param("error", error).param("status", status)
                .param("refund", uncounted ? 1 : 0).param("ids", ids).update();
    }

    void markFailed(List<Long> ids, String error, Integer status) {
        jdbc.sql("""
                UPDATE outbox_message SET status = 'failed', lease_until = NULL, lease_owner = NULL,
                    last_error = :error, last_status = :status
                WHERE id IN (:ids)""")
                .param("error", error).param("status", status).param("ids", ids).update();
    }

    /** A failed message back to pending, due now, with a fresh count of attempts; false if it was not failed. */
    boolean requeue(long id, Instant now) {
        return jdbc.sql("""
                UPDATE outbox_message SET status = 'pending', attempts = 0, next_attempt_at = :now
                WHERE id = :id AND status = 'failed'""")
                .param("now", SqlTime.param(now)).param("id", id).update() == 1;
    }

    /** A destination's window as stored, and the database's clock now. {@code sends} is null if it has no row. */
    record Window(String sends, Instant now) {
    }

    /** Reads a destination's window without locking it: what a pass plans its requests by. */
    Window window(String destination) {
        return jdbc.sql("SELECT CURRENT_TIMESTAMP AS db_now, (SELECT sends FROM delivery_window WHERE destination = :d) AS sends")
                .param("d", destination)
                .query((rs, row) -> new Window(rs.getString("sends"), SqlTime.read(rs, "db_now"))).single();
    }

    /**
     * Locks a destination's window until the transaction ends, so that nodes take its room one at a time. Call it
     * first in the transaction: PostgreSQL's clock is the transaction's start, which is then just before the lock.
     */
    Window lockWindow(String destination) {
        return jdbc.sql("SELECT sends, CURRENT_TIMESTAMP AS db_now FROM delivery_window WHERE destination = :d FOR UPDATE")
                .param("d", destination)
                .query((rs, row) -> new Window(rs.getString("sends"), SqlTime.read(rs, "db_now"))).single();
    }

    boolean hasWindow(String destination) {
        return jdbc.sql("SELECT COUNT(*) FROM delivery_window WHERE destination = :d").param("d", destination)
                .query(Long.class).single() > 0;
    }

    /** Fails with a duplicate key if another node added it first. */
    void addWindow(String destination) {
        jdbc.sql("INSERT INTO delivery_window (destination, sends) VALUES (:d, '')").param("d", destination).update();
    }

    void storeSends(String destination, String sends) {
        jdbc.sql("UPDATE delivery_window SET sends = :sends WHERE destination = :d")
                .param("sends", sends).param("d", destination).update();
    }

    /** Nothing goes to the destination before {@code until}, from any node; a later pause already set stays. */
    void pause(String destination, Instant until) {
        jdbc.sql("""
                UPDATE delivery_window SET paused_until = :until
                WHERE destination = :d AND (paused_until IS NULL OR paused_until < :until)""")
                .param("until", SqlTime.param(until)).param("d", destination).update();
    }

    /** Until when a destination has asked us to wait; empty if it has not, or that time has passed. */
    Optional<Instant> pausedUntil(String destination, Instant now) {
        return jdbc.sql("SELECT paused_until FROM delivery_window WHERE destination = :d AND paused_until > :now")
                .param("d", destination).param("now", SqlTime.param(now))
                .query((rs, row) -> SqlTime.read(rs, "paused_until")).optional();
    }

    private static OutboxMessage map(ResultSet rs, int row) throws SQLException {
        return new OutboxMessage(rs.getLong("id"), rs.getString("idempotency_key"), rs.getObject("incident_id", Long.class),
                rs.getString("user_id"), rs.getString("channel"), rs.getString("destination"), rs.getString("purpose"),
                rs.getString("subject"), rs.getString("body"), rs.getString("status"), rs.getInt("attempts"),
                SqlTime.read(rs, "created_at"), SqlTime.read(rs, "next_attempt_at"), SqlTime.read(rs, "sent_at"),
                rs.getString("last_error"), rs.getObject("last_status", Integer.class),
                rs.getObject("batch_size", Integer.class));
    }
}
