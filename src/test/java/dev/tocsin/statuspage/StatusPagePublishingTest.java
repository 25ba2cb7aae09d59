package dev.tocsin.statuspage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the public page publishes: {@code status_page.publish: [P0, P1]} here, a person's publish or hide over it, and
 * back to the rule, seen through the incident API, the page's HTML, its feeds and its Statuspage v2 bodies. Each test
 * keeps to services of its own, so that one's incidents do not colour another's components.
 */
class StatusPagePublishingTest extends ApiTest {

    private static final String V2 = "/status/api/v2/";
    private static final String ADMIN = "api-key:bootstrap-admin";

    /** Its own database, and the test configuration publishing P0 and P1 only, with Bursty batch off the page. */
    @DynamicPropertySource
    static void ownDatabaseAndRule(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-status-publishing-test");
        Path config = Files.createTempFile("tocsin-status-publishing", ".yml");
        config.toFile().deleteOnExit();
        try (InputStream base = StatusPagePublishingTest.class.getResourceAsStream("/test-tocsin.yml")) {
            Files.writeString(config, new String(base.readAllBytes(), StandardCharsets.UTF_8) + """

                    status_page:
                      services: [checkout, billing, storm, batch, storefront, payments]
                      publish: [P0, P1]
                    """);
        }
        registry.add("tocsin.config", config::toString);
    }

    private long declare(String service, String title, String severity, String more) {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"%s","service":"%s","severity":"%s"%s}""".formatted(title, service, severity, more));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    private JsonNode choose(long id, boolean published) {
        Http.Response r = api.put("/api/v1/incidents/" + id + "/status-page", "{\"published\":" + published + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private JsonNode backToTheRule(long id) {
        Http.Response r = api.delete("/api/v1/incidents/" + id + "/status-page");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static void onPage(JsonNode incident, boolean published, String by) {
        assertThat(incident.get("published").asBoolean()).as("published " + incident).isEqualTo(published);
        assertThat(incident.get("published_by").asString()).as("published_by " + incident).isEqualTo(by);
    }

    private List<String> v2Ids(String path) {
        List<String> ids = new ArrayList<>();
        anonymous.get(V2 + path).json().get("incidents").forEach(i -> ids.add(i.get("id").asString()));
        return ids;
    }

    private String componentStatus(String serviceId) {
        for (JsonNode c : anonymous.get(V2 + "components.json").json().get("components")) {
            if (c.get("id").asString().equals(serviceId)) {
                return c.get("status").asString();
            }
        }
        throw new AssertionError("no component " + serviceId);
    }

    /** Today's bar of a component on the HTML page: ok, minor, major, maintenance. */
    private String todaysBar(String html, String name) {
        int at = html.indexOf("<span class=\"name\">" + name + "</span>");
        assertThat(at).as(name + " on the page").isNotNegative();
        String component = html.substring(at, html.indexOf("bars-legend", at));
        String today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        int bar = component.lastIndexOf("class=\"bar ");
        String last = component.substring(bar);
        assertThat(last).as("the last bar is today's").contains("title=\"" + today);
        return last.substring("class=\"bar ".length(), last.indexOf('"', "class=\"bar ".length()));
    }

    private boolean timelineHas(long id, String kind, String actor) {
        for (JsonNode e : api.get("/api/v1/incidents/" + id + "/timeline").json()) {
            if (e.get("kind").asString().equals(kind) && e.get("actor").asString().equals(actor)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void underASeverityListOnlyThoseSeveritiesArePublishedWithoutAnyoneAsking() {
        String token = unique("rule");
        long high = declare("billing", "Billing P1 " + token, "P1", "");
        long low = declare("billing", "Billing P3 " + token, "P3", "");

        onPage(incident(high), true, "rule");
        onPage(incident(low), false, "rule");
        String html = anonymous.get("/status").body();
        assertThat(html).contains("Billing P1 " + token).doesNotContain("Billing P3 " + token);
        assertThat(v2Ids("incidents.json")).contains(Long.toString(high)).doesNotContain(Long.toString(low));
        assertThat(anonymous.get("/status/feed.rss").body()).contains("Billing P1 " + token)
                .doesNotContain("Billing P3 " + token);
        assertThat(componentStatus("billing")).as("the P1's impact, not the P3's").isEqualTo("partial_outage");

        // The rule follows the severity: raised to P0, the P3 is published.
        assertThat(api.put("/api/v1/incidents/" + low + "/severity", "{\"severity\":\"P0\"}").status()).isEqualTo(200);
        onPage(incident(low), true, "rule");
        assertThat(v2Ids("incidents/unresolved.json")).contains(Long.toString(low));
    }

    @Test
    void aPersonPublishesAP3AndHidesAP0AndEachGoesBackToTheRule() {
        String token = unique("choice");
        long minor = declare("batch", "Batch late " + token, "P3", "");
        long major = declare("storm", "Storm down " + token, "P0", "");
        assertThat(componentStatus("batch")).isEqualTo("operational");
        assertThat(componentStatus("storm")).isEqualTo("major_outage");

        onPage(choose(minor, true), true, "person");
        onPage(choose(major, false), false, "person");
        assertThat(timelineHas(minor, "incident.published", ADMIN)).isTrue();
        assertThat(timelineHas(major, "incident.unpublished", ADMIN)).isTrue();
        String html = anonymous.get("/status").body();
        assertThat(html).contains("Batch late " + token).doesNotContain("Storm down " + token);
        assertThat(v2Ids("incidents.json")).contains(Long.toString(minor)).doesNotContain(Long.toString(major));
        assertThat(v2Ids("incidents/unresolved.json")).contains(Long.toString(minor)).doesNotContain(Long.toString(major));
        assertThat(anonymous.get(V2 + "summary.json").body()).doesNotContain("Storm down " + token);
        assertThat(anonymous.get("/status/feed.atom").body()).contains("Batch late " + token)
                .doesNotContain("Storm down " + token);
        assertThat(componentStatus("batch")).isEqualTo("degraded_performance");
        assertThat(componentStatus("storm")).as("a hidden P0 is no outage on the page").isEqualTo("operational");

        // Choosing it again is a retry: nothing more on the timeline.
        int entries = api.get("/api/v1/incidents/" + major + "/timeline").json().size();
        choose(major, false);
        assertThat(api.get("/api/v1/incidents/" + major + "/timeline").json().size()).isEqualTo(entries);

        onPage(backToTheRule(minor), false, "rule");
        onPage(backToTheRule(major), true, "rule");
        assertThat(timelineHas(major, "incident.publication_cleared", ADMIN)).isTrue();
        assertThat(v2Ids("incidents.json")).contains(Long.toString(major)).doesNotContain(Long.toString(minor));
        assertThat(componentStatus("storm")).isEqualTo("major_outage");
        assertThat(componentStatus("batch")).isEqualTo("operational");
    }

    /**
     * A false alarm hidden after it resolved leaves no trace on the page: its day is green again and it is not among
     * the past incidents; one declared hidden never colours anything.
     */
    @Test
    void aHiddenIncidentColoursNoComponentAndNoBarEvenHiddenAfterItResolved() {
        String token = unique("false-alarm");
        long alarm = declare("storefront", "Storefront false alarm " + token, "P0", "");
        assertThat(api.post("/api/v1/incidents/" + alarm + "/resolve", "{}").status()).isEqualTo(200);
        assertThat(todaysBar(anonymous.get("/status").body(), "Storefront")).isEqualTo("major");
        assertThat(v2Ids("incidents.json")).contains(Long.toString(alarm));

        onPage(choose(alarm, false), false, "person");
        String html = anonymous.get("/status").body();
        assertThat(todaysBar(html, "Storefront")).isEqualTo("ok");
        assertThat(html).doesNotContain("Storefront false alarm " + token);
        assertThat(v2Ids("incidents.json")).doesNotContain(Long.toString(alarm));

        long declaredHidden = declare("storefront", "Storefront internal " + token, "P0", ",\"published\":false");
        onPage(incident(declaredHidden), false, "person");
        assertThat(timelineHas(declaredHidden, "incident.declared", ADMIN)).isTrue();
        assertThat(componentStatus("storefront")).isEqualTo("operational");
        html = anonymous.get("/status").body();
        assertThat(todaysBar(html, "Storefront")).isEqualTo("ok");
        assertThat(html).doesNotContain("Storefront internal " + token);
    }

    @Test
    void anIncidentOfAServiceOffThePageIsNotPublishedWhateverIsChosen() {
        long id = declare("bursty", "Bursty " + unique("off"), "P0", ",\"published\":true");
        onPage(incident(id), false, "service");
        assertThat(v2Ids("incidents.json")).doesNotContain(Long.toString(id));
    }

    @Test
    void aChoiceThatIsNotTrueOrFalseIsRefusedNamingTheField() {
        long id = declare("payments", "Payments " + unique("bad"), "P3", "");
        Http.Response missing = api.put("/api/v1/incidents/" + id + "/status-page", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("\"field\":\"published\"", "DELETE");
        Http.Response text = api.put("/api/v1/incidents/" + id + "/status-page", "{\"published\":\"maybe\"}");
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.body()).contains("published");
        Http.Response declared = api.post("/api/v1/incidents", """
                {"title":"x","service":"payments","severity":"P3","published":"yes"}""");
        assertThat(declared.status()).isEqualTo(400);
        assertThat(declared.body()).contains("published");
        assertThat(api.put("/api/v1/incidents/99999999/status-page", "{\"published\":true}").status()).isEqualTo(404);
        onPage(incident(id), false, "rule");
    }
}
