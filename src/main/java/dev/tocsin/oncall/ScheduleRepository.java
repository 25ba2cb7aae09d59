package dev.tocsin.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Schedules created through the API, stored as their JSON definition. */
@Repository
class ScheduleRepository {

    record Stored(String id, String spec) {
    }

    private final JdbcClient jdbc;

    ScheduleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Stored> find(String id) {
        return jdbc.sql("SELECT id, spec FROM schedule_definition WHERE id = :id").param("id", id)
                .query((rs, row) -> new Stored(rs.getString("id"), rs.getString("spec"))).optional();
    }

    List<Stored> all() {
        return jdbc.sql("SELECT id, spec FROM schedule_definition ORDER BY id")
                .query((rs, row) -> new Stored(rs.getString("id"), rs.getString("spec"))).list();
    }

    /** Inserts or replaces; true if it was new. Callers hold the timeline lock, so two saves never race. */
    boolean save(String id, String spec, Instant at) {
        int updated = jdbc.sql("UPDATE schedule_definition SET spec = :spec, updated_at = :at WHERE id = :id")
                .param("spec", spec).param("at", SqlTime.param(at)).param("id", id).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO schedule_definition (id, spec, updated_at) VALUES (:id, :spec, :at)")
                    .param("id", id).param("spec", spec).param("at", SqlTime.param(at)).update();
            return true;
        }
        return false;
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM schedule_definition WHERE id = :id").param("id", id).update() == 1;
    }
}
