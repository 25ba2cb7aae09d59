package dev.tocsin.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.tocsin.FragmentedWrites;
import dev.tocsin.TestNodes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded database file, which grows far past its data under writes (docs/deployment.md#disk), is compacted when
 * a node stops gracefully. H2's default of 200 ms of compaction at close leaves a file of this size as it is.
 */
class DatabaseFileTest {

    @TempDir
    Path dataDir;

    @Test
    void aGracefulStopShrinksTheFileGrownUnderLoad() throws Exception {
        Path file = dataDir.resolve("tocsin.mv.db");
        ConfigurableApplicationContext node = TestNodes.start(dataDir, null, "--tocsin.monitors.enabled=false",
                "--tocsin.delivery.enabled=false");
        long grown;
        try {
            // Commits as the intake makes them (one small transaction each), straight through the node's pool: the
            // HTTP path would take minutes to grow the file this far.
            try (Connection c = node.getBean(DataSource.class).getConnection()) {
                FragmentedWrites.write(c, 8000);
            }
            grown = Files.size(file);
        } finally {
            node.close();
        }
        assertThat(grown).as("the file grew far past its data").isGreaterThan(50L << 20);
        assertThat(Files.size(file)).as("%d bytes before the stop", grown).isLessThan(grown / 10);
    }

    @Test
    void aRunningNodeCompactsItsFile() throws Exception {
        ConfigurableApplicationContext node = TestNodes.start(dataDir, null, "--tocsin.monitors.enabled=false",
                "--tocsin.delivery.enabled=false");
        try (Connection c = node.getBean(DataSource.class).getConnection()) {
            // Only chunks older than H2's retention time (45 s) are compacted; a test cannot wait that long. Not 0: the
            // retention time must outlast reads in progress while another thread frees chunks (CrashImageTest).
            c.createStatement().execute("SET RETENTION_TIME 1000");
            MVStore store = RunningCompaction.mvStore(c);
            FragmentedWrites.write(c, 8000);
            int sparse = store.getFileStore().getChunksFillRate();
            assertThat(sparse).as("share of live data in the chunks after the writes, %").isLessThan(30);

            // The gauges an operator reads to tell dead page versions from free space (docs/deployment.md#disk). The
            // node's own timers keep writing, so the share moves: the store and the gauge are read as one sample.
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            Gauge liveGauge = meters.get("tocsin.database.chunks.live.ratio").gauge();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int live;
            double liveReported;
            do {
                live = store.getFileStore().getChunksFillRate();
                liveReported = liveGauge.value();
                if (live >= 80 && liveReported >= 0.8) {
                    break;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < deadline);
            assertThat(live).as("share of live data after compacting, %").isGreaterThanOrEqualTo(80);
            assertThat(meters.counter("tocsin.database.compaction.rounds").count()).isPositive();
            assertThat(liveReported).isGreaterThanOrEqualTo(0.8);
            assertThat(meters.get("tocsin.database.file.chunks.ratio").gauge().value()).isBetween(0.01, 1.0);
            // and nothing committed was lost on the way
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(hits) FROM growth")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(8000);
                assertThat(rs.getLong(2)).isEqualTo(8000);
            }
        } finally {
            node.close();
        }
    }

    @Test
    void compactingWhileRunningCanBeSwitchedOff() throws Exception {
        ConfigurableApplicationContext node = TestNodes.start(dataDir, null, "--tocsin.monitors.enabled=false",
                "--tocsin.delivery.enabled=false", "--tocsin.database.compact-while-running=false");
        try (Connection c = node.getBean(DataSource.class).getConnection()) {
            c.createStatement().execute("SET RETENTION_TIME 1000");
            MVStore store = RunningCompaction.mvStore(c);
            FragmentedWrites.write(c, 8000);
            Thread.sleep(3000); // fifteen rounds' time, and three retention times
            assertThat(store.getFileStore().getChunksFillRate()).as("share of live data in the chunks, %").isLessThan(30);
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            assertThat(meters.counter("tocsin.database.compaction.rounds").count()).isZero();
            assertThat(meters.find("tocsin.database.chunks.live.ratio").gauge()).isNull();
        } finally {
            node.close();
        }
    }
}
