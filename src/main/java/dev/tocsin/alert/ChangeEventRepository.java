package dev.tocsin.alert;

import java.time.Instant;
import java.util.List;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class ChangeEventRepository {

    record Change(long id, String serviceId, String summary, String source, Instant occurredAt, Instant receivedAt,
                  String customDetails, String links) {
    }

    private final JdbcClient jdbc;

    ChangeEventRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insert(Intake.ChangeEvent c, Instant receivedAt) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO change_event (service_id, summary, source, occurred_at, received_at, custom_details, links)
                VALUES (:service, :summary, :source, :occurred, :received, :details, :links)""")
                .param("service", c.serviceId()).param("summary", c.summary()).param("source", c.source())
                .param("occurred", SqlTime.param(c.occurredAt() != null ? c.occurredAt() : receivedAt))
                .param("received", SqlTime.param(receivedAt)).param("details", c.customDetails()).param("links", c.links())
                .update(key, "id");
        return key.getKeyAs(Long.class);
    }

    List<Change> recent(String serviceId, Instant since, int limit) {
        return jdbc.sql("""
                SELECT * FROM change_event WHERE service_id = :service AND occurred_at >= :since
                ORDER BY occurred_at DESC, id DESC LIMIT :limit""")
                .param("service", serviceId).param("since", SqlTime.param(since)).param("limit", limit)
                .query((rs, n) -> new Change(rs.getLong("id"), rs.getString("service_id"), rs.getString("summary"),
                        rs.getString("source"), SqlTime.read(rs, "occurred_at"), SqlTime.read(rs, "received_at"),
                        rs.getString("custom_details"), rs.getString("links")))
                .list();
    }
}
