package dev.tocsin.catalog;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the services and users of the configuration into the database at start-up, so incidents and alerts
 * can refer to them, and records a {@code config.applied} event on the timeline whenever the file changed.
 */
@Component
public class CatalogSync {

    private static final Logger log = LoggerFactory.getLogger(CatalogSync.class);

    private final TocsinConfig config;
    private final JdbcClient jdbc;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final Clock clock;

    CatalogSync(TocsinConfig config, JdbcClient jdbc, Timeline timeline, TransactionTemplate tx, Clock clock) {
        this.config = config;
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.tx = tx;
        this.clock = clock;
    }

    @PostConstruct
    void sync() {
        tx.executeWithoutResult(status -> {
            timeline.lock();
            Instant now = clock.instant();
            for (TocsinConfig.Service s : config.services()) {
                int updated = jdbc.sql("UPDATE service SET name = :name, description = :description, updated_at = :at WHERE id = :id")
                        .param("name", s.name()).param("description", s.description()).param("at", SqlTime.param(now))
                        .param("id", s.id()).update();
                if (updated == 0) {
                    jdbc.sql("INSERT INTO service (id, name, description, updated_at) VALUES (:id, :name, :description, :at)")
                            .param("id", s.id()).param("name", s.name()).param("description", s.description())
                            .param("at", SqlTime.param(now)).update();
                }
            }
            for (TocsinConfig.User u : config.users()) {
                int updated = jdbc.sql("UPDATE app_user SET name = :name, email = :email, updated_at = :at WHERE id = :id")
                        .param("name", u.name()).param("email", u.email()).param("at", SqlTime.param(now))
                        .param("id", u.id()).update();
                if (updated == 0) {
                    jdbc.sql("INSERT INTO app_user (id, name, email, updated_at) VALUES (:id, :name, :email, :at)")
                            .param("id", u.id()).param("name", u.name()).param("email", u.email())
                            .param("at", SqlTime.param(now)).update();
                }
            }
            // By key, not by scanning the timeline for the newest config.applied: that read grew with the timeline.
            String lastApplied = jdbc.sql("""
                    SELECT data FROM timeline_event WHERE seq = (SELECT MAX(seq) FROM config_applied)""")
                    .query(String.class).optional().orElse("");
            if (!lastApplied.contains(config.sha256())) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("source", config.source());
                data.put("sha256", config.sha256());
                data.put("services", config.services().size());
                data.put("users", config.users().size());
                data.put("severities", config.severities().ids());
                long seq = timeline.append(new NewEvent("config.applied", Actor.system("config"), null, null, null, data));
                jdbc.sql("INSERT INTO config_applied (seq) VALUES (:seq)").param("seq", seq).update();
            }
        });
        log.info("event=config.applied source={} services={} users={} severities={}", config.source(),
                config.services().size(), config.users().size(), config.severities().ids());
    }
}
