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

    /** The incident in summary.json's unresolved incidents, or null. */
    private JsonNode summaryIncident(long id) {
        for (JsonNode i : anonymous.get("/status/summary.json").json().get("incidents")) {
            if (i.get("id").asString().equals(Long.toString(id))) {
                return i;
            }
        }
        return null;
    }

    /** The titles of the feed's items (or entries) that link to the incident. */
    private static List<String> feedTitles(Document feed, String tag, long id) {
        NodeList all = feed.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            Element link = child(e, "link");
            String href = link.hasAttribute("href") ? link.getAttribute("href") : link.getTextContent();
            if (href.endsWith("#incident-" + id)) {
                out.add(child(e, "title").getTextContent());
            }
        }
        return out;
    }

    /**
     * An alert's summary is a machine's words: a monitor's failure reason names an internal host, an Alertmanager
     * summary a pod. The page, its feeds and its JSON show the service and the impact instead, until someone writes a
     * public title; that shows at once, escaped, and is on the timeline.
     */
    @Test
    void anAlertsSummaryStaysInsideAndThePageShowsTheServiceAndImpactUntilSomeoneWordsIt() throws Exception {
        String token = unique("internal");
        String dedupKey = unique("pt");
        assertThat(enqueue(trigger(CHECKOUT_KEY, dedupKey, "db-7.internal.acme.net refused /health " + token,
                "error")).status()).isEqualTo(202);
        long id = incidentOf(dedupKey);
        JsonNode opened = incident(id);
        assertThat(opened.get("severity").asString()).isEqualTo("P1");
        assertThat(opened.get("public_title").isNull()).isTrue();
        assertThat(opened.get("public_title_shown").asString()).isEqualTo("Checkout: partial outage");

        String html = anonymous.get("/status").body();
        assertThat(html).doesNotContain(token).contains("Checkout: partial outage", "id=\"incident-" + id + "\"");
        assertThat(anonymous.get("/status/summary.json").body()).doesNotContain(token);
        assertThat(summaryIncident(id).get("name").asString()).isEqualTo("Checkout: partial outage");
        Document rss = xml(anonymous.get("/status/feed.rss").body());
        Document atom = xml(anonymous.get("/status/feed.atom").body());
        assertThat(rss.getDocumentElement().getTextContent()).doesNotContain(token);
        assertThat(atom.getDocumentElement().getTextContent()).doesNotContain(token);
        assertThat(feedTitles(rss, "item", id)).containsExactly("Checkout: partial outage: investigating");
        assertThat(feedTitles(atom, "entry", id)).containsExactly("Checkout: partial outage: investigating");

        // The neutral title follows the impact the page shows.
        api.put("/api/v1/incidents/" + id + "/severity", "{\"severity\":\"P3\"}");
        assertThat(summaryIncident(id).get("name").asString()).isEqualTo("Checkout: degraded performance");

        String words = "<script>alert(1)</script> ]]> Zahlungen verzögert ✓ " + token.replace("internal", "public");
        Http.Response set = api.put("/api/v1/incidents/" + id + "/public-title",
                "{\"public_title\":\"" + words.replace("\"", "\\\"") + "\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("public_title").asString()).isEqualTo(words);
        assertThat(set.json().get("public_title_shown").asString()).isEqualTo(words);
        assertThat(set.json().get("title").asString()).as("the responders' title is kept").contains(token);

        // No invalidate(): the change itself rebuilds the page once it has committed.
        String after = anonymous.get("/status").body();
        assertThat(after).contains("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; Zahlungen verzögert ✓")
                .doesNotContain("<script>alert(1)").doesNotContain(token);
        assertThat(summaryIncident(id).get("name").asString()).isEqualTo(words);
        Document rssAfter = xml(anonymous.get("/status/feed.rss").body());
        Document atomAfter = xml(anonymous.get("/status/feed.atom").body());
        assertThat(feedTitles(rssAfter, "item", id)).containsExactly(words + ": investigating");
        assertThat(feedTitles(atomAfter, "entry", id)).containsExactly(words + ": investigating");

        JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
        JsonNode entry = null;
        for (JsonNode e : timeline) {
            if (e.get("kind").asString().equals("incident.public_title_set")) {
                entry = e;
            }
        }
        assertThat(entry).as("a timeline entry for the change").isNotNull();
        assertThat(entry.get("data").get("public_title").asString()).isEqualTo(words);
        assertThat(entry.get("data").get("previous").isNull()).isTrue();
        assertThat(entry.get("actor").asString()).isEqualTo("api-key:bootstrap-admin");
        assertThat(api.put("/api/v1/incidents/" + id + "/public-title", "{\"public_title\":\"" + words.replace("\"", "\\\"")
                + "\"}").status()).as("the same title again").isEqualTo(200);

        Http.Response cleared = api.delete("/api/v1/incidents/" + id + "/public-title");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(cleared.json().get("public_title").isNull()).isTrue();
        assertThat(summaryIncident(id).get("name").asString()).isEqualTo("Checkout: degraded performance");
        List<String> kinds = api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("kind");
        assertThat(kinds.stream().filter(k -> k.startsWith("incident.public_title")).toList())
                .as("one entry per change, none for the same title again")
                .containsExactly("incident.public_title_set", "incident.public_title_cleared");
    }

    /** Declared by hand, an incident's title is a person's words: shown until a public title is given, then that. */
    @Test
    void aDeclaredIncidentShowsItsTitleOrThePublicTitleItWasDeclaredWith() {
        String token = unique("declared");
        long plain = declare("Checkout is slow " + token, "P2");
        assertThat(summaryIncident(plain).get("name").asString()).isEqualTo("Checkout is slow " + token);
        assertThat(incident(plain).get("public_title_shown").asString()).isEqualTo("Checkout is slow " + token);

        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"pg-primary-2 disk full %s","service":"checkout","severity":"P1",
                 "public_title":"Payments are delayed"}""".formatted(token));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long worded = r.json().get("id").asLong();
        assertThat(r.json().get("public_title").asString()).isEqualTo("Payments are delayed");
        assertThat(summaryIncident(worded).get("name").asString()).isEqualTo("Payments are delayed");
        assertThat(anonymous.get("/status").body()).doesNotContain("pg-primary-2 disk full " + token);
    }

    /** A public title is a headline: blank or over 200 characters is refused naming the field; any script is fine. */
    @Test
    void aBlankOrTooLongPublicTitleIsA400NamingTheField() {
        long id = declare("Validation " + unique("v"), "P3");
        for (String body : List.of("{\"public_title\":\"   \"}", "{}", "{\"public_title\":\"" + "x".repeat(201) + "\"}",
                "{\"public_title\":\"a\\u0000b\"}")) {
            Http.Response r = api.put("/api/v1/incidents/" + id + "/public-title", body);
            assertThat(r.status()).as(body + " → " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString()).as(body).isEqualTo("public_title");
        }
        Http.Response declared = api.post("/api/v1/incidents", """
                {"title":"Blank public title","service":"checkout","public_title":""}""");
        assertThat(declared.status()).as(declared.body()).isEqualTo(400);
        assertThat(declared.json().get("errors").get(0).get("field").asString()).isEqualTo("public_title");

        String longest = "支".repeat(200);
        Http.Response ok = api.put("/api/v1/incidents/" + id + "/public-title", "{\"public_title\":\"" + longest + "\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("public_title_shown").asString()).isEqualTo(longest);
        assertThat(api.put("/api/v1/incidents/999999/public-title", "{\"public_title\":\"x\"}").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("kind"))
                .as("a refusal writes nothing").containsOnlyOnce("incident.public_title_set");
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
