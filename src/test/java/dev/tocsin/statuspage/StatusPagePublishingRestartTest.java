package dev.tocsin.statuspage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tocsin.Http;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code status_page.publish: none}: nothing is on the page until someone publishes it, and that choice is the
 * database's, so a restarted node keeps it.
 */
class StatusPagePublishingRestartTest {

    private Path dataDir;
    private Path config;
    private ConfigurableApplicationContext node;

    @BeforeEach
    void folder() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-status-publishing-restart");
        TestReceivers.start();
        config = dataDir.resolve("tocsin.yml");
        try (InputStream in = getClass().getResourceAsStream("/test-tocsin.yml")) {
            Files.writeString(config, new String(in.readAllBytes(), StandardCharsets.UTF_8) + """

                    status_page:
                      publish: none
                    """);
        }
    }

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private Http start() {
        if (node != null) {
            node.close();
        }
        node = TestNodes.start(dataDir, null, "--tocsin.config=" + config, "--tocsin.delivery.enabled=false",
                "--tocsin.monitors.enabled=false");
        return TestNodes.http(node, Http.ADMIN_KEY);
    }

    @Test
    void underNoneOnlyWhatAPersonPublishesIsShownAndARestartKeepsIt() {
        Http api = start();
        Http.Response declared = api.post("/api/v1/incidents", """
                {"title":"Checkout is down","service":"checkout","severity":"P0"}""");
        assertThat(declared.status()).as(declared.body()).isEqualTo(201);
        long id = declared.json().get("id").asLong();
        assertThat(declared.json().get("published").asBoolean()).isFalse();
        assertThat(declared.json().get("published_by").asString()).isEqualTo("rule");
        Http page = TestNodes.http(node, null);
        assertThat(page.get("/status").body()).contains("All systems operational").doesNotContain("Checkout is down");
        assertThat(page.get("/status/api/v2/incidents.json").json().get("incidents").isEmpty()).isTrue();
        assertThat(page.get("/status/api/v2/status.json").json().get("status").get("indicator").asString())
                .isEqualTo("none");

        Http.Response published = api.put("/api/v1/incidents/" + id + "/status-page", "{\"published\":true}");
        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(page.get("/status").body()).contains("Major outage", "Checkout is down");

        api = start();
        page = TestNodes.http(node, null);
        JsonNode after = api.get("/api/v1/incidents/" + id).json();
        assertThat(after.get("published").asBoolean()).as("after a restart").isTrue();
        assertThat(after.get("published_by").asString()).isEqualTo("person");
        assertThat(page.get("/status/api/v2/incidents.json").json().get("incidents").get(0).get("id").asString())
                .isEqualTo(Long.toString(id));
        assertThat(page.get("/status/api/v2/status.json").json().get("status").get("indicator").asString())
                .isEqualTo("critical");
    }
}
