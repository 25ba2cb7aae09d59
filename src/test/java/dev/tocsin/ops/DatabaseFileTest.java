package dev.tocsin.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

import javax.sql.DataSource;

import dev.tocsin.FragmentedWrites;
import dev.tocsin.TestNodes;
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
}
