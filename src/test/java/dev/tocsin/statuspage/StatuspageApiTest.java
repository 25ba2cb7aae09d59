package dev.tocsin.statuspage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statuspage's public API v2 under /status/api/v2/, field by field as its clients read it, with the page's rules: only
 * the shown services, only public words, never an alert's summary or an internal note.
 */
class StatuspageApiTest extends ApiTest {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);
    private static final String V2 = "/status/api/v2/";
    /** Statuspage's public endpoints, as docs/statuspage.md lists them. */
    private static final List<String> PATHS = List.of("summary.json", "status.json", "components.json",
            "incidents.json", "incidents/unresolved.json", "scheduled-maintenances.json",
            "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json");

    /** Its own database, and the test configuration with Storefront left off the page. */
    @DynamicPropertySource
    static void ownDatabaseAndPage(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-statuspage-api-test");
        Path config = Files.createTempFile("tocsin-statuspage-api", ".yml");
        config.toFile().deleteOnExit();
        try (InputStream base = StatuspageApiTest.class.getResourceAsStream("/test-tocsin.yml")) {
            Files.writeString(config, new String(base.readAllBytes(), StandardCharsets.UTF_8)
                    + "\nstatus_page:\n  title: Acme status\n  services: [checkout, billing, batch]\n");
        }
        registry.add("tocsin.config", config::toString);
    }

    @Autowired
    StatusPage page;

    private long declare(String service, String title, String severity) {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"%s","service":"%s","severity":"%s"}""".formatted(title, service, severity));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    private void window(String service, Instant start, Instant end, String reason) {
        Http.Response r = api.post("/api/v1/maintenance-windows", """
                {"service":"%s","start":"%s","end":"%s","reason":"%s"}""".formatted(service, start, end, reason));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static JsonNode byId(JsonNode list, Object id) {
        for (JsonNode n : list) {
            if (n.get("id").asString().equals(id.toString())) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("id").asString()));
        return out;
    }

    /** Each element's own field, not those of what it nests. */
    private static List<String> field(JsonNode list, String name) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get(name).asString()));
        return out;
    }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.propertyNames().forEach(out::add);
        return out;
    }

    /** Every time a client parses is UTC to the millisecond, or null. */
    private static void timesAreStatuspages(JsonNode n, String where) {
        if (n.isArray()) {
            n.forEach(e -> timesAreStatuspages(e, where));
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String k = e.getKey();
                if (k.endsWith("_at") || k.equals("scheduled_for") || k.equals("scheduled_until") || k.equals("start_date")) {
                    assertThat(e.getValue().isNull() || e.getValue().asString()
                            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")).as(where + " " + k + ": " + e.getValue())
                            .isTrue();
                } else {
                    timesAreStatuspages(e.getValue(), where);
                }
            }
        }
    }

    @Test
    void everyEndpointAnswersInStatuspagesShapesWithOnlyPublicWords() {
        String token = unique("api");
        Instant t0 = clock.instant();
        long declared = declare("checkout", "Checkout errors " + token, "P0");
        api.post("/api/v1/incidents/" + declared + "/notes", "{\"text\":\"SECRET internal note " + token + "\"}");
        String dedup = unique("alert");
        assertThat(enqueue(trigger(CHECKOUT_KEY, dedup, "db-7.internal.acme.net refused " + token, "error")).status())
                .isEqualTo(202);
        long alerted = incidentOf(dedup);
        Http.Response r0 = api.post("/api/v1/incidents", """
                {"title":"pg-primary-2 disk full %s","service":"checkout","severity":"P2",
                 "public_title":"Payments are delayed"}""".formatted(token));
        assertThat(r0.status()).as(r0.body()).isEqualTo(201);
        long worded = r0.json().get("id").asLong();
        long billing = declare("billing", "Billing slow " + token, "P3");
        long hidden = declare("storefront", "Storefront down " + token, "P0");
        window("batch", t0.plus(Duration.ofMinutes(1)), t0.plus(Duration.ofMinutes(30)), "Batch patching");
        window("batch", t0.plus(Duration.ofMinutes(50)), t0.plus(Duration.ofHours(3)), "Batch upgrade");
        window("billing", t0.plus(Duration.ofDays(1)), t0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)),
                "Ledger migration");
        window("storefront", t0.plus(Duration.ofMinutes(50)), t0.plus(Duration.ofHours(3)), "Storefront window " + token);

        clock.advance(Duration.ofHours(1));
        Instant identifiedAt = clock.instant();
        api.post("/api/v1/incidents/" + declared + "/updates",
                "{\"message\":\"Rolling back " + token + "\",\"status\":\"identified\"}");
        clock.advance(Duration.ofMinutes(5));
        Instant monitoringAt = clock.instant();
        api.post("/api/v1/incidents/" + declared + "/updates",
                "{\"message\":\"Watching " + token + "\",\"status\":\"monitoring\"}");
        Instant resolvedAt = clock.instant();
        assertThat(api.post("/api/v1/incidents/" + billing + "/resolve", "{\"resolution\":\"Fixed the ledger\"}").status())
                .isEqualTo(200);
        page.invalidate(); // the windows' times came with the clock, not with a change

        JsonNode pageObject = null;
        for (String path : PATHS) {
            Http.Response r = anonymous.get(V2 + path);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/json");
            assertThat(r.header("Access-Control-Allow-Origin")).as(path).isEqualTo("*");
            assertThat(r.header("Cache-Control")).as(path).contains("max-age=10", "public");
            assertThat(r.header("ETag")).as(path).isNotBlank();
            assertThat(r.body()).as(path).doesNotContain("SECRET", "db-7.internal", "pg-primary-2", "Storefront");
            JsonNode body = r.json();
            timesAreStatuspages(body, path);
            if (pageObject == null) {
                pageObject = body.get("page");
            }
            assertThat(body.get("page")).as(path).isEqualTo(pageObject);
        }
        assertThat(keys(pageObject)).containsExactly("id", "name", "url", "time_zone", "updated_at");
        String pageId = pageObject.get("id").asString();
        assertThat(pageId).matches("[0-9a-f]{12}");
        assertThat(pageObject.get("name").asString()).isEqualTo("Acme status");
        assertThat(pageObject.get("url").asString()).endsWith("/status");
        assertThat(pageObject.get("time_zone").asString()).isEqualTo("Etc/UTC");
        assertThat(pageObject.get("updated_at").asString()).isEqualTo(TIME.format(clock.instant()));

        // summary.json: the same body at the old address.
        JsonNode summary = anonymous.get(V2 + "summary.json").json();
        assertThat(anonymous.get("/status/summary.json").body()).isEqualTo(anonymous.get(V2 + "summary.json").body());
        assertThat(keys(summary)).containsExactly("page", "status", "components", "incidents", "scheduled_maintenances");
        assertThat(summary.get("status").get("indicator").asString()).isEqualTo("critical");
        assertThat(summary.get("status").get("description").asString()).isEqualTo("Major System Outage");
        assertThat(ids(summary.get("incidents"))).containsExactlyInAnyOrder(Long.toString(declared), Long.toString(alerted),
                Long.toString(worded));
        assertThat(field(summary.get("scheduled_maintenances"), "status"))
                .containsExactly("in_progress", "scheduled", "scheduled");

        JsonNode status = anonymous.get(V2 + "status.json").json();
        assertThat(keys(status)).containsExactly("page", "status");
        assertThat(status.get("status")).isEqualTo(summary.get("status"));

        // components.json: the shown services in the page's order, and nothing else.
        JsonNode components = anonymous.get(V2 + "components.json").json();
        assertThat(keys(components)).containsExactly("page", "components");
        assertThat(components.get("components")).isEqualTo(summary.get("components"));
        assertThat(ids(components.get("components"))).containsExactly("checkout", "billing", "batch");
        JsonNode checkout = byId(components.get("components"), "checkout");
        assertThat(keys(checkout)).containsExactly("id", "name", "status", "created_at", "updated_at", "position",
                "description", "showcase", "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
                "uptime_90d");
        assertThat(checkout.get("name").asString()).isEqualTo("Checkout");
        assertThat(checkout.get("status").asString()).isEqualTo("major_outage");
        assertThat(checkout.get("position").asInt()).isEqualTo(1);
        assertThat(checkout.get("page_id").asString()).isEqualTo(pageId);
        assertThat(checkout.get("group").asBoolean()).isFalse();
        assertThat(checkout.get("group_id").isNull()).isTrue();
        assertThat(checkout.get("only_show_if_degraded").asBoolean()).isFalse();
        assertThat(byId(components.get("components"), "billing").get("status").asString()).isEqualTo("operational");
        assertThat(byId(components.get("components"), "billing").get("position").asInt()).isEqualTo(2);
        assertThat(byId(components.get("components"), "batch").get("status").asString()).isEqualTo("under_maintenance");

        // incidents.json: open and resolved, newest first; an incident field by field.
        JsonNode incidents = anonymous.get(V2 + "incidents.json").json().get("incidents");
        assertThat(ids(incidents)).containsExactly(Long.toString(billing), Long.toString(worded), Long.toString(alerted),
                Long.toString(declared));
        assertThat(byId(incidents, worded).get("name").asString()).as("its public title, never its own")
                .isEqualTo("Payments are delayed");
        JsonNode a = byId(incidents, declared);
        assertThat(keys(a)).containsExactly("id", "name", "status", "created_at", "updated_at", "monitoring_at",
                "resolved_at", "impact", "shortlink", "started_at", "page_id", "incident_updates", "components");
        assertThat(a.get("name").asString()).isEqualTo("Checkout errors " + token);
        assertThat(a.get("status").asString()).isEqualTo("monitoring");
        assertThat(a.get("impact").asString()).isEqualTo("critical");
        assertThat(a.get("created_at").asString()).isEqualTo(TIME.format(t0));
        assertThat(a.get("started_at").asString()).isEqualTo(TIME.format(t0));
        assertThat(a.get("updated_at").asString()).isEqualTo(TIME.format(monitoringAt));
        assertThat(a.get("monitoring_at").asString()).isEqualTo(TIME.format(monitoringAt));
        assertThat(a.get("resolved_at").isNull()).isTrue();
        assertThat(a.get("shortlink").asString()).endsWith("/status#incident-" + declared);
        assertThat(a.get("page_id").asString()).isEqualTo(pageId);
        assertThat(a.get("components")).hasSize(1);
        assertThat(a.get("components").get(0)).isEqualTo(checkout);
        JsonNode updates = a.get("incident_updates");
        assertThat(field(updates, "status")).containsExactly("monitoring", "identified");
        JsonNode newest = updates.get(0);
        assertThat(keys(newest)).containsExactly("id", "status", "body", "incident_id", "created_at", "updated_at",
                "display_at", "affected_components", "deliver_notifications", "custom_tweet", "tweet_id");
        assertThat(newest.get("id").asString()).isEqualTo(declared + "-2");
        assertThat(newest.get("body").asString()).isEqualTo("Watching " + token);
        assertThat(newest.get("incident_id").asString()).isEqualTo(Long.toString(declared));
        assertThat(newest.get("created_at").asString()).isEqualTo(TIME.format(monitoringAt));
        assertThat(newest.get("display_at").asString()).isEqualTo(TIME.format(monitoringAt));
        JsonNode affected = newest.get("affected_components").get(0);
        assertThat(keys(affected)).containsExactly("code", "name", "old_status", "new_status");
        assertThat(affected.get("code").asString()).isEqualTo("checkout");
        assertThat(affected.get("old_status").asString()).isEqualTo("major_outage");
        assertThat(affected.get("new_status").asString()).isEqualTo("major_outage");
        JsonNode first = updates.get(1);
        assertThat(first.get("id").asString()).isEqualTo(declared + "-1");
        assertThat(first.get("body").asString()).isEqualTo("Rolling back " + token);
        assertThat(first.get("created_at").asString()).isEqualTo(TIME.format(identifiedAt));
        assertThat(first.get("affected_components").get(0).get("old_status").asString()).isEqualTo("operational");

        // Opened by an alert: triggered is "investigating" to the public, under the service and its impact.
        JsonNode b = byId(incidents, alerted);
        assertThat(b.get("name").asString()).isEqualTo("Checkout: partial outage");
        assertThat(b.get("status").asString()).isEqualTo("investigating");
        assertThat(b.get("impact").asString()).isEqualTo("major");
        assertThat(b.get("incident_updates")).hasSize(1);
        assertThat(b.get("incident_updates").get(0).get("id").asString()).isEqualTo(alerted + "-0");
        assertThat(b.get("incident_updates").get(0).get("body").asString()).isEqualTo("We are investigating this issue.");

        JsonNode resolved = byId(incidents, billing);
        assertThat(resolved.get("status").asString()).isEqualTo("resolved");
        assertThat(resolved.get("impact").asString()).isEqualTo("minor");
        assertThat(resolved.get("resolved_at").asString()).isEqualTo(TIME.format(resolvedAt));
        JsonNode resolution = resolved.get("incident_updates").get(0);
        assertThat(resolution.get("status").asString()).isEqualTo("resolved");
        assertThat(resolution.get("body").asString()).isEqualTo("Fixed the ledger");
        assertThat(resolution.get("affected_components").get(0).get("new_status").asString()).isEqualTo("operational");

        JsonNode unresolved = anonymous.get(V2 + "incidents/unresolved.json").json();
        assertThat(keys(unresolved)).containsExactly("page", "incidents");
        assertThat(unresolved.get("incidents")).isEqualTo(summary.get("incidents"));
        assertThat(ids(unresolved.get("incidents"))).doesNotContain(Long.toString(billing), Long.toString(hidden));

        // Maintenance: completed, in progress and scheduled, newest first; the file's window too.
        JsonNode all = anonymous.get(V2 + "scheduled-maintenances.json").json().get("scheduled_maintenances");
        assertThat(field(all, "name")).containsExactly("Yearly power test", "Ledger migration",
                "Batch upgrade", "Batch patching");
        JsonNode ledger = all.get(1);
        assertThat(keys(ledger)).containsExactly("id", "name", "status", "created_at", "updated_at", "monitoring_at",
                "resolved_at", "impact", "shortlink", "started_at", "page_id", "incident_updates", "components",
                "scheduled_for", "scheduled_until");
        Instant ledgerStart = t0.plus(Duration.ofDays(1));
        assertThat(ledger.get("id").asString()).isEqualTo("billing-" + ledgerStart.getEpochSecond());
        assertThat(ledger.get("status").asString()).isEqualTo("scheduled");
        assertThat(ledger.get("impact").asString()).isEqualTo("maintenance");
        assertThat(ledger.get("scheduled_for").asString()).isEqualTo(TIME.format(ledgerStart));
        assertThat(ledger.get("scheduled_until").asString()).isEqualTo(TIME.format(ledgerStart.plus(Duration.ofHours(2))));
        assertThat(ledger.get("resolved_at").isNull()).isTrue();
        assertThat(ledger.get("page_id").asString()).isEqualTo(pageId);
        assertThat(ids(ledger.get("components"))).containsExactly("billing");
        assertThat(field(ledger.get("incident_updates"), "status")).containsExactly("scheduled");
        assertThat(all.get(2).get("status").asString()).isEqualTo("in_progress");
        assertThat(field(all.get(2).get("incident_updates"), "status"))
                .containsExactly("in_progress", "scheduled");
        JsonNode patched = all.get(3);
        assertThat(patched.get("status").asString()).isEqualTo("completed");
        assertThat(patched.get("resolved_at").asString()).isEqualTo(TIME.format(t0.plus(Duration.ofMinutes(30))));
        assertThat(field(patched.get("incident_updates"), "status"))
                .containsExactly("completed", "in_progress", "scheduled");
        assertThat(patched.get("incident_updates").get(0).get("affected_components").get(0).get("new_status").asString())
                .isEqualTo("operational");

        JsonNode upcoming = anonymous.get(V2 + "scheduled-maintenances/upcoming.json").json();
        assertThat(keys(upcoming)).containsExactly("page", "scheduled_maintenances");
        assertThat(field(upcoming.get("scheduled_maintenances"), "name"))
                .containsExactly("Ledger migration", "Yearly power test");
        JsonNode active = anonymous.get(V2 + "scheduled-maintenances/active.json").json();
        assertThat(field(active.get("scheduled_maintenances"), "name")).containsExactly("Batch upgrade");
        assertThat(active.get("scheduled_maintenances").get(0)).isEqualTo(all.get(2));
    }

    @Test
    void anUnknownPathOfTheApiIsAJson404AndAnUnchangedBodyA304() {
        for (String path : List.of("nope.json", "incidents/42.json", "components", "scheduled-maintenances/past.json")) {
            Http.Response r = anonymous.get(V2 + path);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(404);
            assertThat(r.header("Content-Type")).as(path).contains("json");
            assertThat(r.header("Access-Control-Allow-Origin")).as(path).isEqualTo("*");
            assertThat(r.json().get("status").asInt()).isEqualTo(404);
            assertThat(r.json().get("detail").asString()).contains(V2 + "summary.json");
        }
        Http.Response first = anonymous.get(V2 + "components.json");
        Http.Response again = anonymous.send(anonymous.request(V2 + "components.json")
                .header("If-None-Match", first.header("ETag")).GET());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(first.header("ETag")).isNotEqualTo(anonymous.get(V2 + "status.json").header("ETag"));
    }
}
