package dev.tocsin.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key rate limits answer 429 with Retry-After, for API keys and integration keys alike. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-key=" + Http.ADMIN_KEY, "tocsin.engine.enabled=false"})
class RateLimitTest {

    @DynamicPropertySource
    static void config(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("tocsin-ratelimit");
        Path config = dir.resolve("tocsin.yml");
        Files.writeString(config, """
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, integration_keys: [ratelimit-key-00000001]}]
                limits: {api_requests_per_second: 5, events_per_second: 5}
                """);
        registry.add("tocsin.data-dir", () -> dir.resolve("data").toString());
        registry.add("tocsin.config", config::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void anApiKeyOverItsLimitGets429WithRetryAfter() {
        Http api = new Http(port, Http.ADMIN_KEY);
        Http.Response last = null;
        for (int i = 0; i < 20; i++) {
            last = api.get("/api/v1/services");
            if (last.status() == 429) {
                break;
            }
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isEqualTo("1");
        assertThat(last.json().get("detail").asString()).contains("bootstrap-admin", "5 requests per second");
    }

    @Test
    void anIntegrationKeyOverItsLimitGetsPagerDutysThrottleAnswer() {
        Http anonymous = new Http(port, null);
        Http.Response last = firstRefusal(i -> anonymous.post("/v2/enqueue", """
                {"routing_key":"ratelimit-key-00000001","event_action":"trigger","dedup_key":"k%d",
                 "payload":{"summary":"s","source":"s","severity":"info"}}""".formatted(i)));
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isEqualTo("1");
        assertThat(last.json().get("status").asString()).isEqualTo("throttle event");
    }

    /** Events API v1 senders retry on 403, which is what PagerDuty's v1 answered when rate-limited. */
    @Test
    void anEventsApiV1SenderOverTheLimitGets403WithRetryAfter() {
        Http anonymous = new Http(port, null);
        Http.Response last = firstRefusal(i -> anonymous.post("/generic/2010-04-15/create_event.json", """
                {"service_key":"ratelimit-key-00000001","event_type":"trigger","incident_key":"v1-%d",
                 "description":"s"}""".formatted(i)));
        assertThat(last.status()).as(last.body()).isEqualTo(403);
        assertThat(last.header("Retry-After")).isEqualTo("1");
        assertThat(last.json().get("status").asString()).isEqualTo("throttle event");
    }

    /** Sends the i-th event until one is refused (20 at most, at 5 a second allowed); the last answer. */
    private static Http.Response firstRefusal(IntFunction<Http.Response> send) {
        Http.Response last = null;
        for (int i = 0; i < 20; i++) {
            last = send.apply(i);
            if (last.status() >= 300) {
                break;
            }
        }
        return last;
    }
}
