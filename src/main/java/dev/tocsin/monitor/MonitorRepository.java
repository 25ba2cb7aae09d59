package dev.tocsin.monitor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.text.SqlText;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class MonitorRepository {

    /** A monitor's standing as stored; the engine keeps the live copy in memory and writes it back in batches. */
    record State(String monitorId, Level level, Instant levelSince, Level alertLevel, int consecutiveBad,
                 int consecutiveGood, Instant lastCheckedAt, Long lastLatencyMs, Integer lastStatus, String lastReason,
                 String leaseOwner, Instant leaseUntil, String recentChecks) {
    }

    record Event(long id, String monitorId, Instant checkedAt, Level level, Level previous, Long latencyMs,
                 Integer httpStatus, String reason) {
    }

    record Bucket(Instant start, String grain, Rollup rollup) {
    }

    record Window(long id, String serviceId, Instant startsAt, Instant endsAt, String reason, String createdBy) {
    }

    /** Keys per DELETE, well under any driver's limit on parameters. */
    private static final int DELETE_CHUNK = 500;
    private static final String BUCKET_COLUMNS = "le_10, le_25, le_50, le_100, le_250, le_500, le_1000, le_2500, le_5000, le_10000, le_inf";

    private final JdbcClient jdbc;

    MonitorRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- definitions created through the API

    Map<String, String> definitions() {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.sql("SELECT id, spec FROM monitor_definition ORDER BY id")
                .query((ResultSet rs) -> {
                    out.put(rs.getString("id"), rs.getString("spec"));
                });
        return out;
    }

    Optional<String> definition(String id) {
        return jdbc.sql("SELECT spec FROM monitor_definition WHERE id = :id").param("id", id).query(String.class).optional();
    }

    /** True if created, false if replaced. */
    boolean saveDefinition(String id, String spec, Instant at) {
        int updated = jdbc.sql("UPDATE monitor_definition SET spec = :spec, updated_at = :at WHERE id = :id")
                .param("spec", spec).param("at", SqlTime.param(at)).param("id", id).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO monitor_definition (id, spec, updated_at) VALUES (:id, :spec, :at)")
                    .param("id", id).param("spec", spec).param("at", SqlTime.param(at)).update();
        }
        return updated == 0;
    }

    boolean deleteDefinition(String id) {
        jdbc.sql("DELETE FROM monitor_state WHERE monitor_id = :id").param("id", id).update();
        jdbc.sql("DELETE FROM monitor_pause WHERE monitor_id = :id").param("id", id).update();
        jdbc.sql("DELETE FROM monitor_pause_span WHERE monitor_id = :id").param("id", id).update();
        return jdbc.sql("DELETE FROM monitor_definition WHERE id = :id").param("id", id).update() == 1;
    }

    // --- pauses

    /** A monitor paused by hand: since when, and by whom (an actor's value, {@code user:ana}). */
    record Pause(String monitorId, Instant pausedAt, String pausedBy) {
    }

    Map<String, Pause> pauses() {
        Map<String, Pause> out = new LinkedHashMap<>();
        jdbc.sql("SELECT * FROM monitor_pause").query(MonitorRepository::pause).list()
                .forEach(p -> out.put(p.monitorId(), p));
        return out;
    }

    Optional<Pause> pause(String id) {
        return jdbc.sql("SELECT * FROM monitor_pause WHERE monitor_id = :id").param("id", id)
                .query(MonitorRepository::pause).optional();
    }

    void insertPause(String id, Instant at, String by) {
        jdbc.sql("INSERT INTO monitor_pause (monitor_id, paused_at, paused_by) VALUES (:id, :at, :by)")
                .param("id", id).param("at", SqlTime.param(at)).param("by", by).update();
    }

    /** Ends the pause in force, if any, at {@code at}: it moves to the pauses that ended, for the bars. */
    boolean deletePause(String id, Instant at) {
        jdbc.sql("""
                INSERT INTO monitor_pause_span (monitor_id, paused_at, resumed_at)
                SELECT monitor_id, paused_at, :at FROM monitor_pause WHERE monitor_id = :id""")
                .param("at", SqlTime.param(at)).param("id", id).update();
        return jdbc.sql("DELETE FROM monitor_pause WHERE monitor_id = :id").param("id", id).update() == 1;
    }

    /** A time a monitor spent paused; {@code resumedAt} null while the pause is in force. */
    record PauseSpan(Instant pausedAt, Instant resumedAt) {
    }

    /** The monitor's pauses that ended after {@code from}, and the one in force if any, oldest first. */
    List<PauseSpan> pauseSpans(String id, Instant from) {
        return jdbc.sql("""
                SELECT paused_at, resumed_at FROM monitor_pause_span WHERE monitor_id = :id AND resumed_at > :from
                UNION ALL
                SELECT paused_at, NULL FROM monitor_pause WHERE monitor_id = :id
                ORDER BY paused_at""")
                .param("id", id).param("from", SqlTime.param(from))
                .query((rs, row) -> new PauseSpan(SqlTime.read(rs, "paused_at"), SqlTime.read(rs, "resumed_at")))
                .list();
    }

    void deletePauseSpansResumedBefore(Instant before) {
        jdbc.sql("DELETE FROM monitor_pause_span WHERE resumed_at < :before").param("before", SqlTime.param(before)).update();
    }

    /** Forgets the pauses of monitors neither in {@code declared} (the file's) nor stored (the API's). */
    void forgetPausesOfUndefined(Collection<String> declared) {
        for (String table : List.of("monitor_pause", "monitor_pause_span")) {
            if (declared.isEmpty()) {
                jdbc.sql("DELETE FROM " + table + " WHERE monitor_id NOT IN (SELECT id FROM monitor_definition)").update();
                continue;
            }
            jdbc.sql("DELETE FROM " + table + """
                     WHERE monitor_id NOT IN (SELECT id FROM monitor_definition)
                    AND monitor_id NOT IN (:declared)""").param("declared", declared).update();
        }
    }

    private static Pause pause(ResultSet rs, int row) throws SQLException {
        return new Pause(rs.getString("monitor_id"), SqlTime.read(rs, "paused_at"), rs.getString("paused_by"));
    }

    /**
     * Forgets the alert of a monitor no node runs (paused, or no longer configured) once that alert is resolved; only
     * by the lease holder, as {@link #saveState}.
     */
    void forgetAlert(String id, String owner) {
        jdbc.sql("""
                UPDATE monitor_state SET alert_level = NULL, consecutive_bad = 0, consecutive_good = 0
                WHERE monitor_id = :id AND lease_owner = :owner""").param("id", id).param("owner", owner).update();
    }

    // --- state and leases

    void ensureStates(Collection<String> ids) {
        java.util.Set<String> existing = new java.util.HashSet<>(
                jdbc.sql("SELECT monitor_id FROM monitor_state").query(String.class).list());
        for (String id : ids) {
            if (!existing.contains(id)) {
                jdbc.sql("""
                        INSERT INTO monitor_state (monitor_id, consecutive_bad, consecutive_good)
                        SELECT :id, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM monitor_state WHERE monitor_id = :id)""")
                        .param("id", id).update();
            }
        }
    }

    List<State> states() {
        return jdbc.sql("SELECT * FROM monitor_state").query(MonitorRepository::state).list();
    }

    Optional<State> state(String id) {
        return jdbc.sql("SELECT * FROM monitor_state WHERE monitor_id = :id").param("id", id)
                .query(MonitorRepository::state).optional();
    }

    /**
     * Takes or renews the lease of every monitor that is free, lapsed, or already ours; returns the monitors this
     * node holds afterwards. One statement: of two nodes asking at once, each row goes to exactly one.
     */
    List<String> claim(String owner, Instant now, Instant until) {
        jdbc.sql("""
                UPDATE monitor_state SET lease_owner = :owner, lease_until = :until
                WHERE lease_owner = :owner OR lease_owner IS NULL OR lease_until < :now""")
                .param("owner", owner).param("until", SqlTime.param(until)).param("now", SqlTime.param(now)).update();
        return jdbc.sql("SELECT monitor_id FROM monitor_state WHERE lease_owner = :owner AND lease_until >= :now")
                .param("owner", owner).param("now", SqlTime.param(now)).query(String.class).list();
    }

    void release(String owner) {
        jdbc.sql("UPDATE monitor_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = :owner")
                .param("owner", owner).update();
    }

    /** Writes the live standing of monitors this node holds (a lapsed lease writes nothing). */
    void saveState(State s, String owner) {
        jdbc.sql("""
                UPDATE monitor_state SET check_level = :level, level_since = :since, alert_level = :alert,
                    consecutive_bad = :bad, consecutive_good = :good, last_checked_at = :checked,
                    last_latency_ms = :latency, last_status = :status, last_reason = :reason, recent_checks = :recent
                WHERE monitor_id = :id AND lease_owner = :owner""")
                .param("level", s.level() == null ? null : s.level().wire())
                .param("since", SqlTime.param(s.levelSince()))
                .param("alert", s.alertLevel() == null ? null : s.alertLevel().wire())
                .param("bad", s.consecutiveBad()).param("good", s.consecutiveGood())
                .param("checked", SqlTime.param(s.lastCheckedAt())).param("latency", s.lastLatencyMs())
                .param("status", s.lastStatus()).param("reason", SqlText.abbreviate(s.lastReason(), 2000))
                .param("recent", s.recentChecks())
                .param("id", s.monitorId()).param("owner", owner).update();
    }

    // --- level changes

    void insertEvent(CheckResult r, Level previous) {
        jdbc.sql("""
                INSERT INTO monitor_event (monitor_id, checked_at, check_level, previous, latency_ms, http_status, reason)
                VALUES (:id, :at, :level, :previous, :latency, :status, :reason)""")
                .param("id", r.monitorId()).param("at", SqlTime.param(r.at())).param("level", r.level().wire())
                .param("previous", previous == null ? null : previous.wire()).param("latency", r.latencyMs())
                .param("status", r.status()).param("reason", SqlText.abbreviate(r.reason(), 2000)).update();
    }

    List<Event> events(String monitorId, int limit) {
        return jdbc.sql("SELECT * FROM monitor_event WHERE monitor_id = :id ORDER BY id DESC LIMIT :limit")
                .param("id", monitorId).param("limit", limit)
                .query((rs, row) -> new Event(rs.getLong("id"), rs.getString("monitor_id"), SqlTime.read(rs, "checked_at"),
                        level(rs.getString("check_level")), level(rs.getString("previous")),
                        rs.getObject("latency_ms", Long.class), rs.getObject("http_status", Integer.class),
                        rs.getString("reason")))
                .list();
    }

    void deleteEventsBefore(Instant before) {
        jdbc.sql("DELETE FROM monitor_event WHERE checked_at < :before").param("before", SqlTime.param(before)).update();
    }

    // --- rollups

    /** Adds to a bucket, creating it if need be (a bucket can be written twice when a monitor moves node). */
    void addToBucket(String monitorId, String grain, Instant start, Rollup r) {
        int updated = jdbc.sql("""
                UPDATE monitor_rollup SET checks = checks + :checks, ups = ups + :ups, warnings = warnings + :warnings,
                    criticals = criticals + :criticals, maintenances = maintenances + :maintenances,
                    latency_sum = latency_sum + :sum, latency_max = GREATEST(latency_max, :max),
                    le_10 = le_10 + :b0, le_25 = le_25 + :b1, le_50 = le_50 + :b2, le_100 = le_100 + :b3,
                    le_250 = le_250 + :b4, le_500 = le_500 + :b5, le_1000 = le_1000 + :b6, le_2500 = le_2500 + :b7,
                    le_5000 = le_5000 + :b8, le_10000 = le_10000 + :b9, le_inf = le_inf + :b10
                WHERE monitor_id = :id AND grain = :grain AND bucket_start = :start""")
                .params(params(monitorId, grain, start, r)).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO monitor_rollup (monitor_id, grain, bucket_start, checks, ups, warnings, criticals,
                        maintenances, latency_sum, latency_max, %s)
                    VALUES (:id, :grain, :start, :checks, :ups, :warnings, :criticals, :maintenances, :sum, :max,
                        :b0, :b1, :b2, :b3, :b4, :b5, :b6, :b7, :b8, :b9, :b10)""".formatted(BUCKET_COLUMNS))
                    .params(params(monitorId, grain, start, r)).update();
        }
    }

    private static Map<String, Object> params(String monitorId, String grain, Instant start, Rollup r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", monitorId);
        p.put("grain", grain);
        p.put("start", SqlTime.param(start));
        p.put("checks", r.checks);
        p.put("ups", r.ups);
        p.put("warnings", r.warnings);
        p.put("criticals", r.criticals);
        p.put("maintenances", r.maintenances);
        p.put("sum", r.latencySum);
        p.put("max", r.latencyMax);
        for (int i = 0; i < r.buckets.length; i++) {
            p.put("b" + i, r.buckets[i]);
        }
        return p;
    }

    /** Every bucket of a monitor that starts in [from, to), all grains, oldest first. */
    List<Bucket> buckets(String monitorId, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT * FROM monitor_rollup WHERE monitor_id = :id AND bucket_start >= :from AND bucket_start < :to
                ORDER BY bucket_start""")
                .param("id", monitorId).param("from", SqlTime.param(from)).param("to", SqlTime.param(to))
                .query((rs, row) -> new Bucket(SqlTime.read(rs, "bucket_start"), rs.getString("grain"), rollup(rs)))
                .list();
    }

    /** Every bucket of these monitors that starts in [from, to), all grains. */
    List<MonitorBucket> buckets(java.util.Collection<String> monitorIds, Instant from, Instant to) {
        if (monitorIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT * FROM monitor_rollup WHERE monitor_id IN (:ids) AND bucket_start >= :from AND bucket_start < :to""")
                .param("ids", monitorIds).param("from", SqlTime.param(from)).param("to", SqlTime.param(to))
                .query((rs, row) -> new MonitorBucket(rs.getString("monitor_id"), SqlTime.read(rs, "bucket_start"), rollup(rs)))
                .list();
    }

    /**
     * The buckets of one grain that start before {@code before}, locked until the transaction ends, for rolling them
     * into the next grain: a node writing back a late minute meanwhile waits, then finds the row gone and inserts a
     * new one, which the next compaction counts, rather than adding to a row about to be deleted uncounted.
     */
    List<MonitorBucket> lockBucketsOfGrainBefore(String grain, Instant before) {
        return jdbc.sql("SELECT * FROM monitor_rollup WHERE grain = :grain AND bucket_start < :before FOR UPDATE")
                .param("grain", grain).param("before", SqlTime.param(before))
                .query((rs, row) -> new MonitorBucket(rs.getString("monitor_id"), SqlTime.read(rs, "bucket_start"), rollup(rs)))
                .list();
    }

    record MonitorBucket(String monitorId, Instant start, Rollup rollup) {
    }

    void deleteBucketsOfGrainBefore(String grain, Instant before) {
        jdbc.sql("DELETE FROM monitor_rollup WHERE grain = :grain AND bucket_start < :before")
                .param("grain", grain).param("before", SqlTime.param(before)).update();
    }

    /**
     * Deletes exactly these buckets of a grain, by key: a bucket inserted since they were read (a late minute under
     * the same bound) stays for the next compaction to count.
     */
    void deleteBuckets(String grain, List<MonitorBucket> buckets) {
        Map<String, List<Object>> startsByMonitor = new LinkedHashMap<>();
        for (MonitorBucket b : buckets) {
            startsByMonitor.computeIfAbsent(b.monitorId(), k -> new ArrayList<>()).add(SqlTime.param(b.start()));
        }
        startsByMonitor.forEach((id, starts) -> {
            for (int from = 0; from < starts.size(); from += DELETE_CHUNK) {
                jdbc.sql("DELETE FROM monitor_rollup WHERE monitor_id = :id AND grain = :grain AND bucket_start IN (:starts)")
                        .param("id", id).param("grain", grain)
                        .param("starts", starts.subList(from, Math.min(starts.size(), from + DELETE_CHUNK))).update();
            }
        });
    }

    private static Rollup rollup(ResultSet rs) throws SQLException {
        Rollup r = new Rollup();
        r.checks = rs.getInt("checks");
        r.ups = rs.getInt("ups");
        r.warnings = rs.getInt("warnings");
        r.criticals = rs.getInt("criticals");
        r.maintenances = rs.getInt("maintenances");
        r.latencySum = rs.getLong("latency_sum");
        r.latencyMax = rs.getLong("latency_max");
        String[] columns = BUCKET_COLUMNS.split(", ");
        for (int i = 0; i < columns.length; i++) {
            r.buckets[i] = rs.getInt(columns[i]);
        }
        return r;
    }

    // --- maintenance windows created through the API

    List<Window> windows(Instant endingAfter) {
        return jdbc.sql("SELECT * FROM maintenance_window WHERE ends_at > :after ORDER BY starts_at")
                .param("after", SqlTime.param(endingAfter))
                .query((rs, row) -> new Window(rs.getLong("id"), rs.getString("service_id"), SqlTime.read(rs, "starts_at"),
                        SqlTime.read(rs, "ends_at"), rs.getString("reason"), rs.getString("created_by")))
                .list();
    }

    /** The window's id is the one the database generated for this insert, not the newest of its service and author. */
    long insertWindow(String serviceId, Instant start, Instant end, String reason, String createdBy, Instant at) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO maintenance_window (service_id, starts_at, ends_at, reason, created_by, created_at)
                VALUES (:service, :start, :end, :reason, :by, :at)""")
                .param("service", serviceId).param("start", SqlTime.param(start)).param("end", SqlTime.param(end))
                .param("reason", reason).param("by", createdBy).param("at", SqlTime.param(at)).update(key, "id");
        return key.getKeyAs(Long.class);
    }

    boolean deleteWindow(long id) {
        return jdbc.sql("DELETE FROM maintenance_window WHERE id = :id").param("id", id).update() == 1;
    }

    private static State state(ResultSet rs, int row) throws SQLException {
        return new State(rs.getString("monitor_id"), level(rs.getString("check_level")), SqlTime.read(rs, "level_since"),
                level(rs.getString("alert_level")), rs.getInt("consecutive_bad"), rs.getInt("consecutive_good"),
                SqlTime.read(rs, "last_checked_at"), rs.getObject("last_latency_ms", Long.class),
                rs.getObject("last_status", Integer.class), rs.getString("last_reason"), rs.getString("lease_owner"),
                SqlTime.read(rs, "lease_until"), rs.getString("recent_checks"));
    }

    private static Level level(String wire) {
        return wire == null ? null : Level.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }

}
