package dev.tocsin.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Alerts are two rows: {@code alert}, what the first event said (key, source, details, incident), written once and
 * indexed for look-ups; and {@code alert_state}, what changes with every later event (status, count, latest severity
 * and summary, times), keyed by the alert alone. An update then rewrites one narrow row, not the alert's entry in every
 * index (V13).
 */
@Repository
class AlertRepository {

    /** An alert with its state: every read goes through this join. */
    private static final String FROM = " FROM alert a JOIN alert_state s ON s.alert_id = a.id";
    private static final String SELECT = "SELECT a.*, s.*" + FROM;

    private final JdbcClient jdbc;

    AlertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What the intake needs of a key's open alert: no more than {@code alert_key} and {@code alert_state} hold. */
    record OpenAlert(long id, Long incidentId, String status, String severity, int eventCount) {
    }

    /**
     * The open alert of a key, if any. Only the newest alert of a key can be open (a trigger inserts only when the
     * newest is resolved), so this reads one entry, walking the key's index backwards; callers hold the timeline lock.
     * Every column it reads from {@code alert} is in that index (V15), so the alert's row, with its payload, is not
     * read: the look-up reads one leaf of the index and the narrow state row.
     */
    Optional<OpenAlert> findOpen(String serviceId, String dedupKey) {
        return jdbc.sql("SELECT a.id, a.incident_id, s.status, s.severity, s.event_count" + FROM
                        + " WHERE a.dedup_key = :key AND a.service_id = :service"
                        + " ORDER BY a.dedup_key DESC, a.service_id DESC, a.id DESC LIMIT 1")
                .param("service", serviceId).param("key", dedupKey)
                .query((rs, row) -> new OpenAlert(rs.getLong("id"), rs.getObject("incident_id", Long.class),
                        rs.getString("status"), rs.getString("severity"), rs.getInt("event_count")))
                .optional()
                .filter(a -> !Alert.RESOLVED.equals(a.status()));
    }

    /**
     * Inserts an alert under the next id. {@link #findOpen} takes a key's newest alert for its only possibly open one,
     * so ids must follow the order alerts are inserted in, on every node: the caller holds the timeline lock, which
     * serialises every writer of alerts, so "highest id + 1" cannot be taken twice (V16). A sequence did not keep that
     * order on PostgreSQL, where its cache handed each connection a block of ids of its own.
     */
    long insert(Intake.AlertEvent e, Long incidentId, Instant at) {
        long id = jdbc.sql("SELECT COALESCE(MAX(id), 0) + 1 FROM alert").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO alert (id, service_id, dedup_key, intake, source, component, event_group, event_class,
                    custom_details, links, images, incident_id, first_seen_at)
                VALUES (:id, :service, :key, :intake, :source, :component, :group, :class, :details, :links, :images,
                    :incident, :at)""")
                .param("id", id).param("service", e.serviceId()).param("key", e.dedupKey()).param("intake", e.intake())
                .param("source", e.source()).param("component", e.component()).param("group", e.group())
                .param("class", e.eventClass()).param("details", e.customDetails()).param("links", e.links())
                .param("images", e.images()).param("incident", incidentId).param("at", SqlTime.param(at))
                .update();
        jdbc.sql("""
                INSERT INTO alert_state (alert_id, status, severity, summary, event_count, last_seen_at)
                VALUES (:id, 'triggered', :severity, :summary, 1, :at)""")
                .param("id", id).param("severity", e.severity()).param("summary", e.summary())
                .param("at", SqlTime.param(at)).update();
        return id;
    }

    void recordRepeat(long id, String severity, String summary, Instant at) {
        jdbc.sql("""
                UPDATE alert_state SET event_count = event_count + 1, last_seen_at = :at, severity = :severity,
                    summary = :summary WHERE alert_id = :id""")
                .param("at", SqlTime.param(at)).param("severity", severity).param("summary", summary).param("id", id).update();
    }

    void acknowledge(long id, Instant at) {
        jdbc.sql("""
                UPDATE alert_state SET status = 'acknowledged', acknowledged_at = :at, last_seen_at = :at
                WHERE alert_id = :id""")
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    void resolve(long id, Instant at) {
        jdbc.sql("""
                UPDATE alert_state SET status = 'resolved', resolved_at = :at, last_seen_at = :at
                WHERE alert_id = :id""")
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    boolean incidentHasOpenAlerts(long incidentId) {
        return jdbc.sql("SELECT COUNT(*)" + FROM + " WHERE a.incident_id = :incident AND s.status <> 'resolved'")
                .param("incident", incidentId).query(Long.class).single() > 0;
    }

    Optional<Alert> find(long id) {
        return jdbc.sql(SELECT + " WHERE a.id = :id").param("id", id).query(AlertRepository::map).optional();
    }

    List<Alert> list(String serviceId, String status, String dedupKey, Long incidentId, Long beforeId, int limit) {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (serviceId != null) {
            sql.append(" AND a.service_id = :service");
            params.put("service", serviceId);
        }
        if (status != null) {
            sql.append(" AND s.status = :status");
            params.put("status", status);
        }
        if (dedupKey != null) {
            sql.append(" AND a.dedup_key = :key");
            params.put("key", dedupKey);
        }
        if (incidentId != null) {
            sql.append(" AND a.incident_id = :incident");
            params.put("incident", incidentId);
        }
        if (beforeId != null) {
            sql.append(" AND a.id < :before");
            params.put("before", beforeId);
        }
        sql.append(" ORDER BY a.id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(AlertRepository::map).list();
    }

    private static Alert map(ResultSet rs, int row) throws SQLException {
        return new Alert(rs.getLong("id"), rs.getString("service_id"), rs.getString("dedup_key"), rs.getString("status"),
                rs.getString("intake"), rs.getString("severity"), rs.getString("summary"), rs.getString("source"),
                rs.getString("component"), rs.getString("event_group"), rs.getString("event_class"),
                rs.getString("custom_details"), rs.getString("links"), rs.getString("images"),
                rs.getObject("incident_id", Long.class), rs.getInt("event_count"), SqlTime.read(rs, "first_seen_at"),
                SqlTime.read(rs, "last_seen_at"), SqlTime.read(rs, "acknowledged_at"), SqlTime.read(rs, "resolved_at"));
    }
}
