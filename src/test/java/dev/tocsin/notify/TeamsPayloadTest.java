package dev.tocsin.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** What Payloads builds for Teams stays within the size Teams takes, and short messages are left whole. */
class TeamsPayloadTest {

    /** Teams refuses a message over 28 KB. */
    private static final int TEAMS_MAX_BYTES = 28 * 1024;

    @TempDir
    Path dir;

    private MessageFacts messageFacts;
    private Templates templates;
    private Payloads payloads;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Instant now = Instant.parse("2026-03-01T10:00:00Z");
    private final Destinations.Destination teams = new Destinations.Destination("channel:t", Destinations.Kind.TEAMS,
            "https://teams.test/webhook", List.of(), null, null, null);

    @BeforeEach
    void load() throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities:
                  - {id: P0, response_target: 5m, update_interval: 15m}
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """);
        TocsinConfig config = new ConfigLoader(name -> null).load(file.toString());
        messageFacts = new MessageFacts(config, "https://tocsin.example.com");
        templates = new Templates(config, messageFacts);
        payloads = new Payloads(config, json);
    }

    private Payloads.Item update(int i, String title, String message) {
        Map<String, Object> f = messageFacts.sample();
        f.put("severity", "P0");
        f.put("title", title);
        f.put("message", message);
        OutboxMessage row = new OutboxMessage(i, "k" + i, 1L, null, "teams", "channel:t", "update", "s", "{}",
                "pending", 1, now, now, null, null, null, null);
        return new Payloads.Item(row, templates.render("update", "P0", f, Templates.Format.TEAMS), f);
    }

    /**
     * A status update may hold 10,000 characters; a burst of them to a Teams channel is batched, up to ten to a
     * request. Several bytes a character (accents, CJK, emoji, Teams' zero-width spaces) and doubled line breaks
     * must not take the request past 28 KB, or Teams refuses the whole batch.
     */
    @Test
    void aBatchOfTenLongUpdatesStaysWithinTwentyEightKilobytes() {
        String title = "Données *perdues* 日本語 ".repeat(60).substring(0, 1024);
        String message = "Rolled back; 錯誤率 still _elevated_ 🔥\n".repeat(400).substring(0, 10_000);
        List<Payloads.Item> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(update(i, title, message));
        }
        String body = payloads.body(teams, items, now);
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).as("bytes of the request").isLessThanOrEqualTo(TEAMS_MAX_BYTES);
        JsonNode containers = json.readTree(body).get("attachments").get(0).get("content").get("body");
        assertThat(containers.size()).isEqualTo(10);
        assertThat(containers.get(9).get("items").get(1).get("text").asString()).endsWith("…");

        String alone = payloads.body(teams, List.of(update(0, title, message)), now);
        assertThat(alone.getBytes(StandardCharsets.UTF_8).length).as("one message alone").isLessThanOrEqualTo(TEAMS_MAX_BYTES);
    }

    @Test
    void anOrdinaryMessageIsLeftWhole() {
        String body = payloads.body(teams, List.of(update(0, "Checkout down", "Rolled back deploy v2.14")), now);
        JsonNode items = json.readTree(body).get("attachments").get(0).get("content").get("body").get(0).get("items");
        assertThat(items.get(0).get("text").asString()).endsWith(": Checkout down (#1)");
        assertThat(items.get(1).get("text").asString()).contains("Current Action: Rolled back deploy v2.14")
                .doesNotContain("…");
    }
}
