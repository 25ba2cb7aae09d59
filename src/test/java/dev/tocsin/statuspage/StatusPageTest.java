package dev.tocsin.statuspage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The public status page, its feeds and its JSON: public updates only, escaped, cached, rebuilt on change. */
class StatusPageTest extends ApiTest {

    /**
     * An application and database of its own. The page shows every service's incidents and its feeds the newest 50
     * entries; on the database the other API tests share, incidents they opened at later times of the test clock
     * (which some of them set back) crowded this test's entries out of the feeds.
     */
    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-status-page-test");
    }

    @Autowired
    StatusPage page;

    @Autowired
    DataSource dataSource;

    private long declare(String title, String severity) {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"%s","service":"checkout","severity":"%s"}""".formatted(title, severity));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    private static Document xml(String body) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The feed's items (or entries) whose title names the token. */
    private static List<Element> entriesOf(Document feed, String tag, String token) {
        NodeList all = feed.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (child(e, "title").getTextContent().contains(token)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element child(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        assertThat(found.getLength()).as("<%s> in <%s>", tag, parent.getTagName()).isGreaterThan(0);
        return (Element) found.item(0);
    }

    @Test
    void anIncidentShowsWithItsPublicUpdatesButNeverItsInternalNotes() throws Exception {
        String token = unique("pub");
        long id = declare("<script>alert(1)</script> Checkout errors " + token, "P0");
        api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"SECRET internal note " + token + "\"}");
        api.post("/api/v1/incidents/" + id + "/updates",
                "{\"message\":\"We are rolling back the deploy " + token + "\",\"status\":\"identified\"}");

        Http.Response html = anonymous.get("/status");
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("Content-Type")).startsWith("text/html");
        assertThat(html.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt; Checkout errors " + token)
                .doesNotContain("<script>alert(1)")
                .contains("We are rolling back the deploy " + token)
                .doesNotContain("SECRET internal note")
                .contains("Major outage", "Active incidents", "id=\"incident-" + id + "\"");

        JsonNode summary = anonymous.get("/status/summary.json").json();
        assertThat(summary.get("status").get("indicator").asString()).isEqualTo("critical");
        JsonNode incident = null;
        for (JsonNode i : summary.get("incidents")) {
            if (i.get("id").asString().equals(Long.toString(id))) {
                incident = i;
            }
        }
        assertThat(incident).isNotNull();
        assertThat(incident.get("status").asString()).isEqualTo("identified");
        assertThat(incident.get("impact").asString()).isEqualTo("critical");
        assertThat(incident.get("incident_updates").get(0).get("body").asString()).contains("rolling back");
        assertThat(summary.toString()).doesNotContain("SECRET internal note");
        JsonNode checkout = null;
        for (JsonNode c : summary.get("components")) {
            if (c.get("id").asString().equals("checkout")) {
                checkout = c;
            }
        }
        assertThat(checkout.get("status").asString()).isEqualTo("major_outage");

        // The other tests of this class leave incidents behind: look at this incident's entries, not the count.
        Document rss = xml(anonymous.get("/status/feed.rss").body());
        assertThat(rss.getDocumentElement().getTextContent()).doesNotContain("SECRET");
        List<Element> items = entriesOf(rss, "item", token);
        assertThat(items).as("RSS items of incident %d", id).isNotEmpty()
                .allSatisfy(item -> assertThat(child(item, "link").getTextContent()).endsWith("/status#incident-" + id));
        assertThat(items).anySatisfy(item -> {
            assertThat(child(item, "title").getTextContent())
                    .isEqualTo("<script>alert(1)</script> Checkout errors " + token + ": identified");
            assertThat(child(item, "description").getTextContent()).isEqualTo("We are rolling back the deploy " + token);
        });

        Document atom = xml(anonymous.get("/status/feed.atom").body());
        assertThat(atom.getDocumentElement().getNamespaceURI()).isNull();
        assertThat(atom.getDocumentElement().getTextContent()).doesNotContain("SECRET");
        List<Element> entries = entriesOf(atom, "entry", token);
        assertThat(entries).as("Atom entries of incident %d", id).hasSameSizeAs(items)
                .allSatisfy(entry -> assertThat(child(entry, "link").getAttribute("href")).endsWith("/status#incident-" + id));
        assertThat(entries).anySatisfy(entry ->
                assertThat(child(entry, "content").getTextContent()).isEqualTo("We are rolling back the deploy " + token));

        api.post("/api/v1/incidents/" + id + "/resolve", "{\"resolution\":\"Rolled back to v41 " + token + "\"}");
        String after = anonymous.get("/status").body();
        assertThat(after).contains("Past incidents", "Rolled back to v41 " + token);
        assertThat(anonymous.get("/status/summary.json").json().get("incidents").toString()).doesNotContain(token);
    }

    /**
     * What was said in public about an incident shows however many entries its timeline has: an alert storm's incident
     * has thousands, and its updates and resolution come after them.
     */
    @Test
    void anIncidentWithThousandsOfTimelineEntriesShowsItsLatestPublicWords() {
        String token = unique("storm");
        long id = declare("Storm of alerts " + token, "P1");
        for (int n = 0; n < 1000; n++) {
            assertThat(api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"internal note " + n + "\"}").status())
                    .isEqualTo(201);
        }
        api.post("/api/v1/incidents/" + id + "/updates",
                "{\"message\":\"Identified the cause " + token + "\",\"status\":\"identified\"}");
        assertThat(anonymous.get("/status").body()).contains("Identified the cause " + token);

        api.post("/api/v1/incidents/" + id + "/resolve", "{\"resolution\":\"Back to normal " + token + "\"}");
        assertThat(anonymous.get("/status").body()).contains("Past incidents", "Back to normal " + token,
                "Identified the cause " + token);
    }

    /**
     * The page counts every incident resolved in its 90 days; they are read in one statement, not a page of 500 at a
     * time, each of which walked the whole range again to sort it (docs/performance.md, "Reads on a large database").
     */
    @Test
    void theNinetyDaysOfResolutionsAreReadInOneStatementHoweverManyThereAre() throws Exception {
        for (int n = 0; n < 501; n++) {
            long id = declare("Short blip " + n, "P3");
            assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET QUERY_STATISTICS TRUE");
        }
        long before = readsOfResolutions();
        page.invalidate();
        assertThat(anonymous.get("/status").body()).contains("Short blip 500");
        assertThat(readsOfResolutions() - before).as("statements that read the 90 days' resolutions").isEqualTo(1);
    }

    /** How many times H2 ran a statement that reads incidents by when they were resolved. */
    private long readsOfResolutions() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                     + " WHERE SQL_STATEMENT LIKE '%resolved_at >=%' AND SQL_STATEMENT NOT LIKE '%QUERY_STATISTICS%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anUnchangedPageIsAnswered304FromItsEtag() {
        Http.Response first = anonymous.get("/status");
        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();
        assertThat(first.header("Cache-Control")).contains("max-age=10", "public");
        Http.Response again = anonymous.send(anonymous.request("/status").header("If-None-Match", etag).GET());
        assertThat(again.status()).isEqualTo(304);
        declare("Something new " + unique("n"), "P3");
        Http.Response changed = anonymous.send(anonymous.request("/status").header("If-None-Match", etag).GET());
        assertThat(changed.status()).as("an incident change rebuilds the page").isEqualTo(200);
    }

    @Test
    void scheduledMaintenanceAndEveryComponentWithNinetyDaysOfBarsAreShown() {
        Instant now = clock.instant();
        api.post("/api/v1/maintenance-windows", """
                {"service":"billing","start":"%s","end":"%s","reason":"Ledger migration"}"""
                .formatted(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)).plus(Duration.ofHours(2))));
        page.invalidate();
        String html = anonymous.get("/status").body();
        assertThat(html).contains("Scheduled maintenance", "Ledger migration", "Checkout", "Billing", "Batch jobs");
        assertThat(html.split("class=\"bar ", -1).length - 1).as("90 bars per component")
                .isEqualTo(90 * anonymous.get("/status/summary.json").json().get("components").size());
        JsonNode maintenance = anonymous.get("/status/summary.json").json().get("scheduled_maintenances");
        assertThat(maintenance.toString()).contains("Ledger migration", "scheduled");
        assertThat(anonymous.get("/css/status.css").header("Cache-Control")).contains("max-age=86400");
    }
}
