package dev.tocsin.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import dev.tocsin.catalog.CatalogSync;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.timeline.Timeline;
import jakarta.annotation.PostConstruct;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the heartbeat rows match the configuration at start-up. A new heartbeat's first deadline counts from
 * now; an existing one keeps its state and last ping, so a restart neither forgets nor invents a miss.
 */
@Component
class HeartbeatSync {

    private final TocsinConfig config;
    private final HeartbeatRepository heartbeats;
    private final Timeline timeline;
    private final TransactionTemplate tx;
    private final Clock clock;

    HeartbeatSync(TocsinConfig config, HeartbeatRepository heartbeats, Timeline timeline, TransactionTemplate tx,
                  Clock clock, CatalogSync catalogFirst) {
        this.config = config;
        this.heartbeats = heartbeats;
        this.timeline = timeline;
        this.tx = tx;
        this.clock = clock;
    }

    @PostConstruct
    void sync() {
        tx.executeWithoutResult(status -> {
            timeline.lock();
            Instant now = clock.instant();
            Set<String> declared = new HashSet<>();
            for (TocsinConfig.Service s : config.services()) {
                for (TocsinConfig.Heartbeat h : s.heartbeats()) {
                    declared.add(s.id() + "/" + h.name());
                    long interval = h.interval().getSeconds();
                    long grace = h.grace().getSeconds();
                    if (heartbeats.find(s.id(), h.name()).isPresent()) {
                        heartbeats.updateSchedule(s.id(), h.name(), interval, grace, h.severity());
                    } else {
                        heartbeats.insert(s.id(), h.name(), interval, grace, h.severity(), now.plusSeconds(interval + grace));
                    }
                }
            }
            for (HeartbeatRepository.Heartbeat row : heartbeats.all()) {
                if (!declared.contains(row.serviceId() + "/" + row.name())) {
                    heartbeats.delete(row.serviceId(), row.name());
                }
            }
        });
    }
}
