package dev.tocsin.incident;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import dev.tocsin.engine.Processor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declaration sent with an {@code Idempotency-Key} and sent again (a client retrying after a timeout) makes one
 * incident: the retry answers the incident the first request made.
 */
class DeclareIdempotencyTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    List<Processor> processors;

    private static String body(String title) {
        return "{\"title\":\"" + title + "\",\"service\":\"checkout\",\"severity\":\"P2\"}";
    }

    private Http.Response declare(Http as, String key, String body) {
        HttpRequest.Builder request = as.request("/api/v1/incidents").header("Content-Type", "application/json");
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return as.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Http.Response declare(String key, String body) {
        return declare(api, key, body);
    }

    /** How many incidents carry {@code title}: each test's titles are its own. */
    private int incidentsTitled(String title) {
        int n = 0;
        for (JsonNode i : api.get("/api/v1/incidents?status=triggered&limit=500").json().get("incidents")) {
            n += i.get("title").asString().equals(title) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aDeclarationRetriedWithItsKeyAnswersTheIncidentItMade() {
        String title = unique("Checkout 502s");
        String key = unique("retry");
        Http.Response first = declare(key, body(title));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();

        Http.Response retried = declare(key, body(title));
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(retried.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
        assertThat(retried.json().get("title").asString()).isEqualTo(title);
        assertThat(retried.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(incidentsTitled(title)).isEqualTo(1);

        declare(null, body(title));
        declare(null, body(title));
        assertThat(incidentsTitled(title)).as("without a key, as before: each request declares").isEqualTo(3);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndDeclaresNothing() {
        String title = unique("Search slow");
        String key = unique("reused");
        long id = declare(key, body(title)).json().get("id").asLong();
        Http.Response other = declare(key, body(title + " again"));
        assertThat(other.status()).as(other.body()).isEqualTo(422);
        assertThat(other.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(other.json().get("detail").asString()).contains("incident " + id, "different body");
        assertThat(incidentsTitled(title + " again")).isZero();
    }

    @Test
    void eachApiKeyHasKeysOfItsOwn() {
        String title = unique("Two clients");
        String key = unique("shared");
        long byAdmin = declare(api, key, body(title)).json().get("id").asLong();
        Http.Response byWriter = declare(api.as(Http.WRITE_KEY), key, body(title));
        assertThat(byWriter.status()).as(byWriter.body()).isEqualTo(201);
        assertThat(byWriter.json().get("id").asLong()).isNotEqualTo(byAdmin);
        assertThat(byWriter.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void aKeyAnswersForADayAndIsThenPruned() {
        Instant started = clock.instant();
        try {
            keyOfADay();
        } finally {
            clock.set(started); // the other classes sharing this application expect the clock where they left it
        }
    }

    private void keyOfADay() {
        String title = unique("A day long");
        String key = unique("daily");
        long first = declare(key, body(title)).json().get("id").asLong();
        clock.advance(Duration.ofHours(23));
        assertThat(declare(key, body(title)).json().get("id").asLong()).isEqualTo(first);

        String forgotten = unique("forgotten");
        declare(forgotten, body(title));
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        long after = declare(key, body(title)).json().get("id").asLong();
        assertThat(after).as("a day later the key declares anew").isNotEqualTo(first);

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        processors.stream().filter(p -> p.name().equals("idempotency-keys")).findFirst().orElseThrow().runCycle();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM idempotency_key WHERE key_value IN (:keys)")
                .param("keys", List.of(key, forgotten)).query(Integer.class).single())
                .as("keys older than a day are pruned").isZero();
    }

    @Test
    void retriesAtOnceMakeOneIncident() throws Exception {
        String title = unique("Retried at once");
        String key = unique("storm");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Http.Response>> sends = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sends.add(CompletableFuture.supplyAsync(() -> declare(key, body(title)), pool));
            }
            Set<Long> ids = new HashSet<>();
            for (CompletableFuture<Http.Response> send : sends) {
                Http.Response r = send.get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                ids.add(r.json().get("id").asLong());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdown();
        }
        assertThat(incidentsTitled(title)).isEqualTo(1);
    }

    @Test
    void aKeyThatIsNoKeyIsRefusedNamingTheHeader() {
        String title = unique("Bad keys");
        for (String bad : List.of("k".repeat(256), " ")) {
            Http.Response refused = declare(bad, body(title));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        }
        Http.Response twice = api.send(api.request("/api/v1/incidents").header("Content-Type", "application/json")
                .header("Idempotency-Key", "a").header("Idempotency-Key", "b")
                .POST(HttpRequest.BodyPublishers.ofString(body(title))));
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json().get("detail").asString()).startsWith("Idempotency-Key: sent 2 times");
        assertThat(incidentsTitled(title)).isZero();
        assertThat(declare("k".repeat(255), body(title)).status()).as("255 characters are fine").isEqualTo(201);
    }
}
