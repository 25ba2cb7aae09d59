package dev.tocsin.timeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.List;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

@Repository
class TimelineRepository {

    record Head(long seq, String hash) {
    }

    /** A row exactly as stored, data still as its JSON text: the hash covers that text. */
    record StoredRow(long seq, java.time.Instant occurredAt, String kind, String actor, Long incidentId,
                     Long alertId, String serviceId, String data, String prevHash, String hash) {

        /** Whether the stored hash is the one this content and predecessor give: false once a field was altered. */
        boolean hashHolds() {
            return ChainHash.of(seq, occurredAt, kind, actor, incidentId, alertId, serviceId, data, prevHash).equals(hash);
        }
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonMapper json;

    TimelineRepository(JdbcClient jdbc, JdbcTemplate template, JsonMapper json) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
    }

    Head lockHead() {
        return jdbc.sql("SELECT seq, hash FROM timeline_head WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
    }

    Head head() {
        return jdbc.sql("SELECT seq, hash FROM timeline_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
    }

    void insertAll(List<StoredRow> rows, Head newHead) {
        template.batchUpdate("""
                INSERT INTO timeline_event (seq, occurred_at, kind, actor, incident_id, alert_id, service_id, data, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows, rows.size(), (ps, r) -> {
            ps.setLong(1, r.seq());
            ps.setObject(2, SqlTime.param(r.occurredAt()));
            ps.setString(3, r.kind());
            ps.setString(4, r.actor());
            setLong(ps, 5, r.incidentId());
            setLong(ps, 6, r.alertId());
            ps.setString(7, r.serviceId());
            ps.setString(8, r.data());
            ps.setString(9, r.prevHash());
            ps.setString(10, r.hash());
        });
        jdbc.sql("UPDATE timeline_head SET seq = :seq, hash = :hash WHERE id = 1")
                .param("seq", newHead.seq()).param("hash", newHead.hash()).update();
    }

    private static void setLong(java.sql.PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    List<TimelineEvent> forIncident(long incidentId, long afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM timeline_event WHERE incident_id = :id AND seq > :after ORDER BY seq LIMIT :limit")
                .param("id", incidentId).param("after", afterSeq).param("limit", limit)
                .query((rs, n) -> toEvent(row(rs))).list();
    }

    /** The incident's newest {@code limit} entries, newest first: read backwards along (incident_id, seq). */
    List<TimelineEvent> latestForIncident(long incidentId, int limit) {
        return jdbc.sql("SELECT * FROM timeline_event WHERE incident_id = :id ORDER BY seq DESC LIMIT :limit")
                .param("id", incidentId).param("limit", limit)
                .query((rs, n) -> toEvent(row(rs))).list();
    }

    /** The entries of these kinds of each of these incidents, in chain order. */
    List<TimelineEvent> ofKinds(Collection<Long> incidentIds, Collection<String> kinds) {
        return jdbc.sql("SELECT * FROM timeline_event WHERE incident_id IN (:ids) AND kind IN (:kinds) ORDER BY seq")
                .param("ids", incidentIds).param("kinds", kinds)
                .query((rs, n) -> toEvent(row(rs))).list();
    }

    boolean hasKind(long incidentId, String kind) {
        return !jdbc.sql("SELECT seq FROM timeline_event WHERE incident_id = :id AND kind = :kind LIMIT 1")
                .param("id", incidentId).param("kind", kind).query(Long.class).list().isEmpty();
    }

    List<TimelineEvent> page(long afterSeq, int limit) {
        return rows(afterSeq, limit).stream().map(this::toEvent).toList();
    }

    List<StoredRow> rows(long afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM timeline_event WHERE seq > :after ORDER BY seq LIMIT :limit")
                .param("after", afterSeq).param("limit", limit)
                .query((rs, n) -> row(rs)).list();
    }

    private static StoredRow row(ResultSet rs) throws SQLException {
        return new StoredRow(rs.getLong("seq"), SqlTime.read(rs, "occurred_at"), rs.getString("kind"),
                rs.getString("actor"), (Long) rs.getObject("incident_id", Long.class),
                (Long) rs.getObject("alert_id", Long.class), rs.getString("service_id"), rs.getString("data"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }

    private TimelineEvent toEvent(StoredRow r) {
        return new TimelineEvent(r.seq(), r.occurredAt(), r.kind(), r.actor(), r.incidentId(), r.alertId(),
                r.serviceId(), json.readTree(r.data()), r.prevHash(), r.hash());
    }
}
