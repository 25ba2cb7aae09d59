package dev.tocsin.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Compacts the embedded H2 file while Tocsin runs. With {@code WRITE_DELAY=0} (a commit is on disk before we answer)
 * H2 runs none of its own housekeeping, and a chunk holding one live page is never freed, so the file grew by ~2 GB an
 * hour at 20 events/s (docs/deployment.md#disk). Five times a second this moves at most 1 MB of live pages out of the
 * sparsest chunks older than H2's retention time, which is what H2's background writer does with a write delay, and
 * commits: the emptied chunks' space is then reused.
 *
 * <p>This was tried on H2 2.5.252 and lost the last acknowledged event in a {@code kill -9}; the cause was that release's
 * store header, which names the wrong chunk once space is reused (docs/performance.md, "H2 2.5 and the store header").
 * {@code CrashImageTest} checks every crash image of a compacting store holds its last commit.
 */
@Component
class RunningCompaction implements SmartLifecycle {

    static final Duration INTERVAL = Duration.ofMillis(200);
    /** Live bytes moved per round: small enough that a round takes a few milliseconds under full intake load. */
    static final int BYTES_PER_ROUND = 1024 * 1024;
    /** Compact while the chunks hold less than this share of live data, as H2's own housekeeping does. */
    static final int TARGET_FILL_PERCENT = 90;

    private static final Logger log = LoggerFactory.getLogger(RunningCompaction.class);
    private static final String ONLY_AT_STOP = "the file is compacted only at a graceful stop (docs/deployment.md#disk)";

    private final DataSource dataSource;
    private final DatabaseInfo database;
    private final boolean enabled;
    private final MeterRegistry meters;
    private final Counter rounds;
    private ScheduledExecutorService executor;
    private volatile MVStore store;

    RunningCompaction(DataSource dataSource, DatabaseInfo database,
                      @Value("${tocsin.database.compact-while-running:true}") boolean enabled, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.database = database;
        this.enabled = enabled;
        this.meters = meters;
        this.rounds = Counter.builder("tocsin.database.compaction.rounds")
                .description("Rounds that moved live pages out of sparse chunks of the embedded H2 file")
                .register(meters);
    }

    /** The store under an H2 connection: the engine's own object, alive until the database closes. */
    static MVStore mvStore(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    /** One round: move up to {@link #BYTES_PER_ROUND} of live pages and commit them. True if anything moved. */
    static boolean compactOnce(MVStore store) {
        if (store.isClosed() || !store.compact(TARGET_FILL_PERCENT, BYTES_PER_ROUND)) {
            return false;
        }
        store.commit();
        return true;
    }

    @Override
    public void start() {
        if (!database.embedded()) {
            return;
        }
        if (!enabled) {
            log.info("event=compaction.off action=\"{}\"", ONLY_AT_STOP);
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            store = mvStore(c);
        } catch (SQLException | RuntimeException e) {
            log.warn("event=compaction.unavailable error=\"{}\" action=\"{}\"", e.toString(), ONLY_AT_STOP);
            return;
        }
        // Where the file's size goes: chunks against free space, and live pages against dead ones inside the chunks.
        Gauge.builder("tocsin.database.file.chunks.ratio", this, c -> fillRatio(c.store, false))
                .description("Share of the embedded H2 file taken by chunks; the rest is free space awaiting reuse")
                .register(meters);
        Gauge.builder("tocsin.database.chunks.live.ratio", this, c -> fillRatio(c.store, true))
                .description("Share of the embedded H2 file's chunks that is live data; the rest is old page versions")
                .register(meters);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-h2-compaction");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::round, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static double fillRatio(MVStore store, boolean live) {
        if (store == null || store.isClosed()) {
            return Double.NaN;
        }
        FileStore<?> file = store.getFileStore();
        return (live ? file.getChunksFillRate() : file.getFillRate()) / 100.0;
    }

    private void round() {
        try {
            if (compactOnce(store)) {
                rounds.increment();
            }
        } catch (RuntimeException e) {
            // A failed round moves nothing that was committed; the next one tries again.
            log.warn("event=compaction.round_failed error=\"{}\"", e.toString());
        }
    }

    /** Stops before the pool closes the database (it closes when the context is destroyed, after every phase). */
    @Override
    public void stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
