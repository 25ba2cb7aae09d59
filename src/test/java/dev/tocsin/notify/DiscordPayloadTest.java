package dev.tocsin.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** What Payloads builds for Discord stays within the limits Discord enforces on a whole message. */
class DiscordPayloadTest {

    @TempDir
    Path dir;

    private static int len(JsonNode n) {
        return n == null || n.isNull() ? 0 : n.asString().codePointCount(0, n.asString().length());
    }

    /**
     * Discord refuses (400) a message whose embeds' titles, descriptions, field names and values and footers exceed
     * 6,000 characters together; a burst of 6-10 messages to a Discord channel is batched into one such request.
     */
    @ParameterizedTest
    @CsvSource({"opened, 140, 0", "update, 40, 600"})
    void aBatchOfTenDiscordEmbedsStaysWithinSixThousandCharacters(String kind, int titleLength, int messageLength)
            throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities:
                  - {id: P0, response_target: 5m, update_interval: 15m}
                  - {id: P1, response_target: 15m, update_interval: 30m}
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """);
        TocsinConfig config = new ConfigLoader(name -> null).load(file.toString());
        MessageFacts messageFacts = new MessageFacts(config, "https://tocsin.example.com");
        Templates templates = new Templates(config, messageFacts);
        JsonMapper json = JsonMapper.builder().build();
        Payloads payloads = new Payloads(config, json);
        Instant now = Instant.parse("2026-03-01T10:00:00Z");

        List<Payloads.Item> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> f = messageFacts.sample();
            f.put("severity", "P0");
            f.put("title", ("High error rate on checkout-api in eu-west-1 " + i + " ").repeat(10).substring(0, titleLength));
            f.put("message", "Rolled back the deploy; error rate still elevated. ".repeat(20).substring(0, messageLength));
            f.put("impact", null);
            f.put("commander", null);
            // A channel's acknowledge link while the incident is triggered (StakeholderComms.send): a 95-character
            // token, as SignedTokens makes for "ack|<incident>:channel:<id>|<expiry>".
            f.put("acknowledge_url", "https://tocsin.example.com/ack/" + "A".repeat(51) + "." + "B".repeat(43));
            OutboxMessage row = new OutboxMessage(i, "k" + i, 1L, null, "discord", "channel:d", kind, "s", "{}",
                    "pending", 1, now, now, null, null, null, null);
            items.add(new Payloads.Item(row, templates.render(kind, "P0", f, Templates.Format.DISCORD), f));
        }
        Destinations.Destination d = new Destinations.Destination("channel:d", Destinations.Kind.DISCORD,
                "https://discord.test/api/webhooks/1/x", List.of(), null, null, null);
        JsonNode body = json.readTree(payloads.body(d, items, now));
        int total = 0;
        for (JsonNode e : body.get("embeds")) {
            total += len(e.get("title")) + len(e.get("description")) + len(e.get("footer").get("text"));
            if (e.has("fields")) {
                for (JsonNode field : e.get("fields")) {
                    total += len(field.get("name")) + len(field.get("value"));
                }
            }
        }
        assertThat(body.get("embeds").size()).isEqualTo(10);
        assertThat(total).as("characters Discord counts towards its 6,000 limit").isLessThanOrEqualTo(6000);
    }
}
