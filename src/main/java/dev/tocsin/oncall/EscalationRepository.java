package dev.tocsin.oncall;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class EscalationRepository {

    /**
     * Where an incident's escalation stands. Levels are 0-based: {@code lastLevel} is the last one paged, whose delay
     * runs until {@code nextAt}; {@code nextLevel} the one paged then, or null when nothing further is due.
     */
    record Escalation(long incidentId, String policyId, EscalationState state, int generation, int step,
                      Integer lastLevel, Integer nextLevel, int loopsDone, Instant nextAt) {

        /** An escalation about to take its first step, as {@link #insert} stores it for generation 1. */
        static Escalation fresh(long incidentId, String policyId, int generation) {
            return new Escalation(incidentId, policyId, EscalationState.ACTIVE, generation, 0, null, null, 0, null);
        }

        /**
         * The repeats that have paged. {@code loopsDone} is the round the next step belongs to: it counts a repeat as
         * soon as one is due, after the last level, before it has paged anyone.
         */
        int repeatsPaged() {
            boolean repeatDue = nextLevel != null && lastLevel != null && nextLevel <= lastLevel;
            return repeatDue ? loopsDone - 1 : loopsDone;
        }
    }

    record Page(long id, long incidentId, int generation, int step, int level, String userId, String via, Instant pagedAt) {
    }

    private final JdbcClient jdbc;

    EscalationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Escalation> find(long incidentId) {
        return jdbc.sql("SELECT * FROM escalation WHERE incident_id = :id").param("id", incidentId)
                .query(EscalationRepository::map).optional();
    }

    void insert(long incidentId, String policyId, Instant at) {
        jdbc.sql("""
                INSERT INTO escalation (incident_id, policy_id, state, generation, step, loops_done, updated_at)
                VALUES (:id, :policy, 'active', 1, 0, 0, :at)""")
                .param("id", incidentId).param("policy", policyId).param("at", SqlTime.param(at)).update();
    }

    void update(Escalation e, Instant at) {
        jdbc.sql("""
                UPDATE escalation SET state = :state, generation = :generation, step = :step, last_level = :lastLevel, next_level = :nextLevel,
                    loops_done = :loops, next_at = :nextAt, updated_at = :at
                WHERE incident_id = :id""")
                .param("state", e.state().wire()).param("generation", e.generation()).param("step", e.step())
                .param("lastLevel", e.lastLevel()).param("nextLevel", e.nextLevel()).param("loops", e.loopsDone()).param("nextAt", SqlTime.param(e.nextAt()))
                .param("at", SqlTime.param(at)).param("id", e.incidentId()).update();
    }

    long insertPage(long incidentId, int generation, int step, int level, String userId, String via, Instant at) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO page (incident_id, generation, step, level, user_id, via, paged_at)
                VALUES (:incident, :generation, :step, :level, :user, :via, :at)""")
                .param("incident", incidentId).param("generation", generation).param("step", step).param("level", level)
                .param("user", userId).param("via", via).param("at", SqlTime.param(at))
                .update(key, "id");
        return key.getKeyAs(Long.class);
    }

    Optional<Page> page(long id) {
        return jdbc.sql("SELECT * FROM page WHERE id = :id").param("id", id).query(EscalationRepository::mapPage).optional();
    }

    List<Page> pages(long incidentId) {
        return jdbc.sql("SELECT * FROM page WHERE incident_id = :id ORDER BY id").param("id", incidentId)
                .query(EscalationRepository::mapPage).list();
    }

    private static Escalation map(ResultSet rs, int row) throws SQLException {
        return new Escalation(rs.getLong("incident_id"), rs.getString("policy_id"),
                EscalationState.fromWire(rs.getString("state")), rs.getInt("generation"), rs.getInt("step"),
                rs.getObject("last_level", Integer.class), rs.getObject("next_level", Integer.class), rs.getInt("loops_done"), SqlTime.read(rs, "next_at"));
    }

    private static Page mapPage(ResultSet rs, int row) throws SQLException {
        return new Page(rs.getLong("id"), rs.getLong("incident_id"), rs.getInt("generation"), rs.getInt("step"),
                rs.getInt("level"), rs.getString("user_id"), rs.getString("via"), SqlTime.read(rs, "paged_at"));
    }
}
