package dev.tocsin.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Once an hour, on one node (a durable timer): the minutes of finished hours become hour rows, the hours of days
 * that ended more than a day ago become day rows, and day rows older than the retention go. Moving rather than
 * copying keeps every check counted exactly once, so a window's uptime is the sum of the rows inside it.
 */
@Component
class RollupCompactor implements TimerHandler {

    static final String NAME = "monitor-rollups";
    private static final Logger log = LoggerFactory.getLogger(RollupCompactor.class);
    static final Duration DAY_ROWS_KEPT = Duration.ofDays(400);
    static final Duration EVENTS_KEPT = Duration.ofDays(90);

    private final MonitorRepository repository;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final Clock clock;

    RollupCompactor(MonitorRepository repository, @Lazy Timers timers, TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.timers = timers;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @EventListener(ApplicationReadyEvent.class)
    void firstTimer() {
        setNext(clock.instant());
    }

    @Override
    public void fire(String instance, Instant dueAt) {
        compact(clock.instant());
        setNext(clock.instant());
    }

    private void setNext(Instant now) {
        Instant next = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)).plusSeconds(90);
        timers.set(NAME, Long.toString(next.getEpochSecond()), next);
    }

    /** Rolls finished minutes into hours and old hours into days, and applies the retention. */
    void compact(Instant now) {
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        Instant dayLimit = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
        tx.executeWithoutResult(s -> {
            int minutes = roll("m", "h", hour, ChronoUnit.HOURS);
            int hours = roll("h", "d", dayLimit, ChronoUnit.DAYS);
            repository.deleteBucketsOfGrainBefore("d", now.minus(DAY_ROWS_KEPT));
            repository.deleteEventsBefore(now.minus(EVENTS_KEPT));
            repository.deletePauseSpansResumedBefore(now.minus(DAY_ROWS_KEPT)); // the bars read them as long as days
            if (minutes + hours > 0) {
                log.info("event=monitors.rollups_compacted minute_rows={} hour_rows={}", minutes, hours);
            }
        });
    }

    private int roll(String from, String to, Instant before, ChronoUnit unit) {
        List<MonitorRepository.MonitorBucket> rows = repository.lockBucketsOfGrainBefore(from, before);
        Map<String, Map<Instant, Rollup>> merged = new LinkedHashMap<>();
        for (MonitorRepository.MonitorBucket b : rows) {
            merged.computeIfAbsent(b.monitorId(), k -> new LinkedHashMap<>())
                    .merge(b.start().truncatedTo(unit), b.rollup(), (x, y) -> {
                        x.add(y);
                        return x;
                    });
        }
        merged.forEach((id, buckets) -> buckets.forEach((start, r) -> repository.addToBucket(id, to, start, r)));
        // Only the rows summed: a deletion by range would also take a late write-back committed since the read.
        repository.deleteBuckets(from, rows);
        return rows.size();
    }
}
