package dev.tocsin.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.jdbc.DeferredWrites;
import dev.tocsin.jdbc.IdsUnderLock;
import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.RowCallbackHandler;
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
    /** Up to this many keys per statement; fewer are padded to a power of two, so that few statement texts exist. */
    private static final int KEYS_PER_STATEMENT = 64;
    private static final String[] OPEN_OF_KEYS = new String[Integer.numberOfTrailingZeros(KEYS_PER_STATEMENT) + 1];

    private final JdbcClient jdbc;
    private final DeferredWrites deferred;

    AlertRepository(JdbcClient jdbc, DeferredWrites deferred) {
        this.jdbc = jdbc;
        this.deferred = deferred;
    }

    /** What the intake needs of a key's open alert: no more than {@code alert_key} and {@code alert_state} hold. */
    record OpenAlert(long id, Long incidentId, String status, String severity, int eventCount) {
    }

    /** A key alerts are deduplicated on: one open alert at most per service and dedup key. */
    record Key(String serviceId, String dedupKey) {
    }

    Optional<OpenAlert> findOpen(String serviceId, String dedupKey) {
        Key key = new Key(serviceId, dedupKey);
        return Optional.ofNullable(findOpen(List.of(key)).get(key));
    }

    /**
     * The open alerts of many keys, in one statement per {@link #KEYS_PER_STATEMENT} keys, so that a batch of events
     * costs one round trip to the database here instead of one per event; keys without an open alert are absent from
     * the answer. Only the newest alert of a key can be open (a trigger inserts only when the newest is resolved), so
     * each key's look-up reads one entry, walking the key's index backwards; callers hold the timeline lock. Every column
     * it reads from {@code alert} is in that index (V15), so the alert's row, with its payload, is not read: a look-up
     * reads one leaf of the index and the narrow state row. The look-ups are joined with {@code UNION ALL}, inside a
     * derived table: H2 keeps a parsed statement for reuse only when it is a plain {@code SELECT}, and parsing the bare
     * union anew took twice as long as running it (docs/performance.md, "A statement H2 parsed every time, and a read
     * a repeat rarely needs").
     */
    Map<Key, OpenAlert> findOpen(Collection<Key> keys) {
        Map<Key, OpenAlert> open = new HashMap<>();
        List<Key> all = List.copyOf(new LinkedHashSet<>(keys));
        for (int from = 0; from < all.size(); from += KEYS_PER_STATEMENT) {
            List<Key> chunk = all.subList(from, Math.min(all.size(), from + KEYS_PER_STATEMENT));
            int size = Integer.highestOneBit(chunk.size() * 2 - 1); // the power of two at or above
            Map<String, Object> params = new HashMap<>();
            for (int i = 0; i < size; i++) {
                Key key = chunk.get(Math.min(i, chunk.size() - 1)); // padding repeats the last key
                params.put("s" + i, key.serviceId());
                params.put("k" + i, key.dedupKey());
            }
            jdbc.sql(openOfKeys(size)).params(params).query((rs, row) -> {
                if (!Alert.RESOLVED.equals(rs.getString("status"))) {
                    open.put(new Key(rs.getString("service_id"), rs.getString("dedup_key")),
                            new OpenAlert(rs.getLong("id"), rs.getObject("incident_id", Long.class),
                                    rs.getString("status"), rs.getString("severity"), rs.getInt("event_count")));
                }
                return null;
            }).list();
        }
        return open;
    }

    private static String openOfKeys(int size) {
        int slot = Integer.numberOfTrailingZeros(size);
        String sql = OPEN_OF_KEYS[slot];
        if (sql == null) {
            StringBuilder b = new StringBuilder("SELECT * FROM (");
            for (int i = 0; i < size; i++) {
                b.append(i == 0 ? "" : " UNION ALL ")
                        .append("(SELECT a.id, a.service_id, a.dedup_key, a.incident_id, s.status, s.severity,")
                        .append(" s.event_count").append(FROM)
                        .append(" WHERE a.dedup_key = :k").append(i).append(" AND a.service_id = :s").append(i)
                        .append(" ORDER BY a.dedup_key DESC, a.service_id DESC, a.id DESC LIMIT 1)");
            }
            sql = b.append(") open_of_key").toString();
            OPEN_OF_KEYS[slot] = sql;
        }
        return sql;
    }

    /**
     * Inserts an alert under the next id. {@link #findOpen} takes a key's newest alert for its only possibly open one,
     * so ids must follow the order alerts are inserted in, on every node: the caller holds the timeline lock, which
     * serialises every writer of alerts, so "highest id + 1" cannot be taken twice (V16), and the highest is read once
     * per transaction ({@link IdsUnderLock}). A sequence did not keep that order on PostgreSQL, where its cache handed
     * each connection a block of ids of its own.
     */
    long insert(Intake.AlertEvent e, Long incidentId, Instant at) {
        long id = IdsUnderLock.next("alert",
                () -> jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM alert").query(Long.class).single());
        Map<String, Object> alert = new HashMap<>();
        alert.put("id", id);
        alert.put("service", e.serviceId());
        alert.put("key", e.dedupKey());
        alert.put("intake", e.intake());
        alert.put("source", e.source());
        alert.put("component", e.component());
        alert.put("group", e.group());
        alert.put("class", e.eventClass());
        alert.put("details", e.customDetails());
        alert.put("links", e.links());
        alert.put("images", e.images());
        alert.put("incident", incidentId);
        alert.put("at", SqlTime.param(at));
        // Sent with the transaction's next statement, together with the alerts inserted meanwhile (DeferredWrites).
        deferred.write(DeferredWrites.Kind.INSERT_ALERT, """
                INSERT INTO alert (id, service_id, dedup_key, intake, source, component, event_group, event_class,
                    custom_details, links, images, incident_id, first_seen_at)
                VALUES (:id, :service, :key, :intake, :source, :component, :group, :class, :details, :links, :images,
                    :incident, :at)""", alert);
        Map<String, Object> state = new HashMap<>();
        state.put("id", id);
        state.put("severity", e.severity());
        state.put("summary", e.summary());
        state.put("at", SqlTime.param(at));
        deferred.write(DeferredWrites.Kind.INSERT_ALERT_STATE, """
                INSERT INTO alert_state (alert_id, status, severity, summary, event_count, last_seen_at)
                VALUES (:id, 'triggered', :severity, :summary, 1, :at)""", state);
        return id;
    }

    /** Sent with the transaction's next statement, together with the repeats recorded meanwhile (DeferredWrites). */
    void recordRepeat(long id, String severity, String summary, Instant at) {
        Map<String, Object> params = new HashMap<>();
        params.put("at", SqlTime.param(at));
        params.put("severity", severity);
        params.put("summary", summary);
        params.put("id", id);
        deferred.write(DeferredWrites.Kind.ALERT_REPEAT, """
                UPDATE alert_state SET event_count = event_count + 1, last_seen_at = :at, severity = :severity,
                    summary = :summary WHERE alert_id = :id""", params);
    }

    /**
     * Files an alert that opened no incident (silenced or suppressed when it came) under the incident it opened or
     * joined later.
     */
    void attachIncident(long id, long incidentId) {
        jdbc.sql("UPDATE alert SET incident_id = :incident WHERE id = :id AND incident_id IS NULL")
                .param("incident", incidentId).param("id", id).update();
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

    /** Per incident of {@code incidentIds} that has alerts: how many, and how many of them are open. */
    Map<Long, IncidentAlerts.Count> countByIncident(Collection<Long> incidentIds) {
        Map<Long, IncidentAlerts.Count> counts = new HashMap<>();
        if (incidentIds.isEmpty()) {
            return counts;
        }
        // Each alert's state by its key, as a subquery per alert: joined instead, PostgreSQL hashed the whole of
        // alert_state (every alert ever received) to count the alerts of the few hundred incidents shown.
        jdbc.sql("SELECT a.incident_id, COUNT(*) AS alerts, SUM(CASE WHEN (SELECT s.status FROM alert_state s"
                        + " WHERE s.alert_id = a.id) <> 'resolved' THEN 1 ELSE 0 END) AS open"
                        + " FROM alert a WHERE a.incident_id IN (:incidents) GROUP BY a.incident_id")
                .param("incidents", incidentIds)
                .query((RowCallbackHandler) rs -> counts.put(rs.getLong("incident_id"),
                        new IncidentAlerts.Count(rs.getLong("alerts"), rs.getLong("open"))));
        return counts;
    }

    List<Alert> openOfIncident(long incidentId) {
        return jdbc.sql(SELECT + " WHERE a.incident_id = :incident AND s.status <> 'resolved' ORDER BY a.id")
                .param("incident", incidentId).query(AlertRepository::map).list();
    }

    long countOpenOfIncident(long incidentId) {
        return jdbc.sql("SELECT COUNT(*)" + FROM + " WHERE a.incident_id = :incident AND s.status <> 'resolved'")
                .param("incident", incidentId).query(Long.class).single();
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
