package dev.tocsin.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class HeartbeatRepository {

    /** waiting: no ping yet; up: pinged within interval + grace; down: overdue, an alert is open. */
    record Heartbeat(String serviceId, String name, long intervalSeconds, long graceSeconds, String severity, String state,
                     Instant lastPingAt, Instant dueAt) {
    }

    private final JdbcClient jdbc;

    HeartbeatRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Heartbeat> find(String serviceId, String name) {
        return jdbc.sql("SELECT * FROM heartbeat WHERE service_id = :service AND name = :name")
                .param("service", serviceId).param("name", name).query(HeartbeatRepository::map).optional();
    }

    List<Heartbeat> all() {
        return jdbc.sql("SELECT * FROM heartbeat ORDER BY service_id, name").query(HeartbeatRepository::map).list();
    }

    void insert(String serviceId, String name, long interval, long grace, String severity, Instant dueAt) {
        jdbc.sql("""
                INSERT INTO heartbeat (service_id, name, interval_seconds, grace_seconds, severity, state, due_at)
                VALUES (:service, :name, :interval, :grace, :severity, 'waiting', :due)""")
                .param("service", serviceId).param("name", name).param("interval", interval).param("grace", grace)
                .param("severity", severity).param("due", SqlTime.param(dueAt)).update();
    }

    void updateSchedule(String serviceId, String name, long interval, long grace, String severity, Instant dueAt) {
        jdbc.sql("""
                UPDATE heartbeat SET interval_seconds = :interval, grace_seconds = :grace, severity = :severity,
                    due_at = :due
                WHERE service_id = :service AND name = :name""")
                .param("interval", interval).param("grace", grace).param("severity", severity)
                .param("due", SqlTime.param(dueAt)).param("service", serviceId).param("name", name).update();
    }

    void delete(String serviceId, String name) {
        jdbc.sql("DELETE FROM heartbeat WHERE service_id = :service AND name = :name")
                .param("service", serviceId).param("name", name).update();
    }

    void recordPing(String serviceId, String name, Instant at, Instant dueAt) {
        jdbc.sql("UPDATE heartbeat SET state = 'up', last_ping_at = :at, due_at = :due WHERE service_id = :service AND name = :name")
                .param("at", SqlTime.param(at)).param("due", SqlTime.param(dueAt)).param("service", serviceId)
                .param("name", name).update();
    }

    /** Down until its next ping; {@code remindAt}: when, still without one, its alert is raised again. */
    void markDown(String serviceId, String name, Instant remindAt) {
        jdbc.sql("UPDATE heartbeat SET state = 'down', due_at = :due WHERE service_id = :service AND name = :name")
                .param("due", SqlTime.param(remindAt)).param("service", serviceId).param("name", name).update();
    }

    boolean anyOverdue(Instant now) {
        return jdbc.sql("SELECT COUNT(*) FROM heartbeat WHERE due_at <= :now")
                .param("now", SqlTime.param(now)).query(Long.class).single() > 0;
    }

    /** Claims overdue heartbeats; rows another node holds are skipped, not waited for. */
    List<Heartbeat> claimOverdue(Instant now, int limit) {
        return jdbc.sql("""
                SELECT * FROM heartbeat WHERE due_at <= :now
                ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED""")
                .param("now", SqlTime.param(now)).param("limit", limit).query(HeartbeatRepository::map).list();
    }

    private static Heartbeat map(ResultSet rs, int row) throws SQLException {
        return new Heartbeat(rs.getString("service_id"), rs.getString("name"), rs.getLong("interval_seconds"),
                rs.getLong("grace_seconds"), rs.getString("severity"), rs.getString("state"), SqlTime.read(rs, "last_ping_at"),
                SqlTime.read(rs, "due_at"));
    }
}
