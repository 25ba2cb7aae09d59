package dev.tocsin.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.tocsin.Http;
import dev.tocsin.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A start records {@code config.applied} on the timeline when the configuration differs from the last one applied. */
class CatalogSyncTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path configDir;

    @Test
    void aStartRecordsTheConfigurationOnlyWhenItChanged() throws IOException {
        Path original = configDir.resolve("tocsin.yml");
        try (InputStream in = getClass().getResourceAsStream("/test-tocsin.yml")) {
            Files.copy(in, original);
        }
        Path edited = configDir.resolve("edited.yml");
        Files.writeString(edited, Files.readString(original) + "\n# edited: a new checksum, the same settings\n");

        assertThat(startAndReadApplied(original)).hasSize(1);
        assertThat(startAndReadApplied(original)).as("restarted, same file").hasSize(1);

        List<String> afterEdit = startAndReadApplied(edited);
        assertThat(afterEdit).as("restarted with an edited file").hasSize(2);
        assertThat(afterEdit.get(1)).isNotEqualTo(afterEdit.get(0));
        assertThat(startAndReadApplied(edited)).as("restarted, same edited file").hasSize(2);

        List<String> backAgain = startAndReadApplied(original);
        assertThat(backAgain).as("back to the first file").hasSize(3);
        assertThat(backAgain.get(2)).isEqualTo(backAgain.get(0));
    }

    /** Starts a node with {@code config}, stops it, and returns the checksums of every config.applied, oldest first. */
    private List<String> startAndReadApplied(Path config) {
        ConfigurableApplicationContext node = TestNodes.start(dataDir, null, "--tocsin.config=" + config,
                "--tocsin.monitors.enabled=false", "--tocsin.delivery.enabled=false");
        try {
            JsonNode events = TestNodes.http(node, Http.ADMIN_KEY).get("/api/v1/audit/events?limit=1000").json();
            return events.valueStream()
                    .filter(e -> e.get("kind").asString().equals("config.applied"))
                    .map(e -> e.get("data").get("sha256").asString())
                    .toList();
        } finally {
            node.close();
        }
    }
}
