package dev.tocsin.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
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

    /**
     * When a heartbeat is next due under its schedule as the file now has it: a changed interval or grace moves the
     * deadline, counted from the last ping (or from when it was declared), so lengthening 1h to 7d does not raise a
     * miss at the old deadline, nor does shortening wait out the old one. A heartbeat already down stays as it is.
     */
    private static Instant dueAt(HeartbeatRepository.Heartbeat row, long interval, long grace) {
        boolean same = row.intervalSeconds() == interval && row.graceSeconds() == grace;
        if (same || "down".equals(row.state()) || row.dueAt() == null) {
            return row.dueAt();
        }
        Instant from = row.lastPingAt() != null ? row.lastPingAt()
                : row.dueAt().minusSeconds(row.intervalSeconds() + row.graceSeconds()); // when it was declared
        return from.plusSeconds(interval + grace);
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
                    Optional<HeartbeatRepository.Heartbeat> row = heartbeats.find(s.id(), h.name());
                    if (row.isPresent()) {
                        heartbeats.updateSchedule(s.id(), h.name(), interval, grace, h.severity(),
                                dueAt(row.get(), interval, grace));
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
