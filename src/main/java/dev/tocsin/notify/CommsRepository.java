package dev.tocsin.notify;

import java.time.Instant;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Per incident: the stakeholder updates and resolutions sent so far, and when the next update is due. */
@Repository
class CommsRepository {

    record Comms(long incidentId, int updatesPosted, int resolutions, int remindersSent, Instant lastUpdateAt,
                 Instant nextUpdateDueAt) {
    }

    private final JdbcClient jdbc;

    CommsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Comms> find(long incidentId) {
        return jdbc.sql("SELECT * FROM incident_comms WHERE incident_id = :id").param("id", incidentId)
                .query((rs, row) -> new Comms(rs.getLong("incident_id"), rs.getInt("updates_posted"),
                        rs.getInt("resolutions"), rs.getInt("reminders_sent"), SqlTime.read(rs, "last_update_at"),
                        SqlTime.read(rs, "next_update_due_at")))
                .optional();
    }

    /** The row of an incident, created on first use with the incident's opening as its "last update". */
    Comms findOrCreate(long incidentId, Instant openedAt) {
        return find(incidentId).orElseGet(() -> {
            jdbc.sql("""
                    INSERT INTO incident_comms (incident_id, updates_posted, resolutions, reminders_sent, last_update_at)
                    VALUES (:id, 0, 0, 0, :at)""")
                    .param("id", incidentId).param("at", SqlTime.param(openedAt)).update();
            return new Comms(incidentId, 0, 0, 0, openedAt, null);
        });
    }

    void updatePosted(long incidentId, Instant at, Instant nextDue) {
        jdbc.sql("""
                UPDATE incident_comms SET updates_posted = updates_posted + 1, last_update_at = :at, next_update_due_at = :due
                WHERE incident_id = :id""")
                .param("at", SqlTime.param(at)).param("due", SqlTime.param(nextDue)).param("id", incidentId).update();
    }

    void resolved(long incidentId) {
        jdbc.sql("UPDATE incident_comms SET resolutions = resolutions + 1, next_update_due_at = NULL WHERE incident_id = :id")
                .param("id", incidentId).update();
    }

    void nextDue(long incidentId, Instant nextDue) {
        jdbc.sql("UPDATE incident_comms SET next_update_due_at = :due WHERE incident_id = :id")
                .param("due", SqlTime.param(nextDue)).param("id", incidentId).update();
    }

    void reminded(long incidentId, Instant nextDue) {
        jdbc.sql("""
                UPDATE incident_comms SET reminders_sent = reminders_sent + 1, next_update_due_at = :due
                WHERE incident_id = :id""")
                .param("due", SqlTime.param(nextDue)).param("id", incidentId).update();
    }
}
