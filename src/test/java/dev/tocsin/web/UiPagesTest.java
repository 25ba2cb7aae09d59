package dev.tocsin.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestReceivers;
import dev.tocsin.monitor.MonitorEngine;
import dev.tocsin.monitor.MonitorTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static dev.tocsin.web.SignedInBrowser.csrf;
import static dev.tocsin.web.SignedInBrowser.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services, escalation policies, monitor and maintenance pages and the status update preview, over real HTTP as
 * a browser uses them, against the same services as the API (what the UI does, the API sees, and the other way).
 */
class UiPagesTest extends ApiTest {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
            .withZone(ZoneOffset.UTC);
    private static final List<String> PAGES = List.of("/ui/incidents", "/ui/services", "/ui/services/checkout",
            "/ui/escalation-policies", "/ui/monitors/deep-health", "/ui/maintenance");

    @Autowired
    MonitorEngine monitors;

    private SignedInBrowser browser;

    @BeforeEach
    void signedIn() throws Exception {
        browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
    }

    @Test
    void everyNewPageAsksForASignInAndRendersOnceSignedIn() throws Exception {
        SignedInBrowser stranger = new SignedInBrowser(port);
        for (String page : PAGES) {
            HttpResponse<String> anonymous = stranger.get(page);
            assertThat(anonymous.statusCode()).as(page).isEqualTo(302);
            assertThat(anonymous.headers().firstValue("Location").orElseThrow()).as(page).endsWith("/login");
            HttpResponse<String> signed = browser.get(page);
            assertThat(signed.statusCode()).as(page).isEqualTo(200);
            assertThat(signed.body()).as(page).contains("href=\"/ui/services\"", "href=\"/ui/escalation-policies\"",
                    "href=\"/ui/maintenance\"", "/js/live.js", "title=\"Signed in\">Ana (responder)</li>");
        }
        assertThat(browser.get("/dashboard").body()).contains("title=\"Signed in\">Ana (responder)</li>");
        assertThat(stranger.get("/login").body()).doesNotContain("Signed in");
    }

    /**
     * An incident with more timeline entries than its page shows (an alert storm's has thousands) shows the newest,
     * and says that earlier ones are left out.
     */
    @Test
    void anIncidentPageWithALongTimelineShowsItsNewestEntries() throws Exception {
        String token = unique("long");
        Http.Response declared = api.post("/api/v1/incidents", """
                {"title":"Storm %s","service":"checkout","severity":"P2"}""".formatted(token));
        long id = declared.json().get("id").asLong();
        for (int n = 0; n < 1000; n++) {
            assertThat(api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"routine note " + n + "\"}").status())
                    .isEqualTo(201);
        }
        api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"the latest word " + token + "\"}");

        String html = browser.get("/incidents/" + id).body();
        assertThat(html).contains("the latest word " + token, "routine note 999", "Only the newest 1,000 entries are shown")
                .doesNotContain("routine note 0<");
        assertThat(html.split("<li>\\s*<span class=\"kind\"", -1).length - 1).as("entries shown").isEqualTo(1000);
    }

    /**
     * An incident shared by an Alertmanager group lists its alerts: the newest 50, how many in all, how many open; the
     * dashboard counts them.
     */
    @Test
    void anIncidentPageListsItsAlerts() throws Exception {
        String zone = unique("z");
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 52; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"%s","labels":{"alertname":"NodeDown","instance":"<i>node-%d</i>","zone":"%s"},
                     "annotations":{"summary":"<i>node-%d</i> down"},"fingerprint":"%s-%d","generatorURL":"%s"}"""
                    .formatted(i == 1 ? "resolved" : "firing", i, zone, i, zone, i,
                            i == 51 ? "javascript:alert(1)" : "http://prometheus:9090/graph?node=" + i));
        }
        // node-1 fires in the first notification and resolves in the second.
        String group = "{}:{zone=\\\"" + zone + "\\\"}";
        String firing = alerts.toString().replaceFirst("\"resolved\"", "\"firing\"");
        for (String body : List.of(firing, alerts.toString())) {
            assertThat(anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                    "{\"version\":\"4\",\"groupKey\":\"" + group + "\",\"alerts\":[" + body + "]}").status())
                    .isEqualTo(202);
        }
        long id = incidentOf(zone + "-0");
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).contains("51 open of 52", "&lt;i&gt;node-51&lt;/i&gt; down", zone + "-51", "The newest",
                "GET /api/v1/alerts?incident=" + id, "href=\"http://prometheus:9090/graph?node=50\"")
                .doesNotContain("<i>node-", "javascript:");
        assertThat(page.split("<tr>", -1).length - 2).as("rows shown, besides the header").isEqualTo(50);
        assertThat(browser.get("/dashboard").body()).contains("· 52 alerts, 51 open");
    }

    @Test
    void theServicesListShowsEveryServiceItsMonitorsOpenIncidentsAndWhoIsOnCall() throws Exception {
        String title = "Ledger stuck " + unique("s");
        api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"payments\",\"severity\":\"P3\"}");
        String list = browser.get("/ui/services").body();
        assertThat(list).contains("Checkout", "Billing", "Batch jobs", "Payments", "Monitored API",
                "href=\"/ui/services/payments\"", "Payments on-call", "none: incidents page nobody");
        assertThat(list).doesNotContain(CHECKOUT_KEY, BILLING_KEY);
    }

    @Test
    void aServicePageShowsItsOpenIncidentAndMasksItsIntegrationKey() throws Exception {
        String title = "<b>Cart</b> empty " + unique("c");
        long id = api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
        HttpResponse<String> page = browser.get("/ui/services/checkout");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Open incidents", "href=\"/incidents/" + id + "\"",
                        title.replace("<", "&lt;").replace(">", "&gt;"), "Platform", "Integrations",
                        "••••••••0001", "POST /v2/enqueue", "Recently resolved", "Who is paged")
                .doesNotContain(CHECKOUT_KEY, "<b>Cart</b>");
        assertThat(browser.get("/dashboard").body()).as("the dashboard links the incident's service")
                .contains("href=\"/ui/services/checkout\"");
        assertThat(browser.get("/incidents/" + id).body()).contains("href=\"/ui/services/checkout\"");

        // Open for four months, resolved now: a recent resolution, whenever it opened.
        clock.advance(java.time.Duration.ofDays(120));
        api.post("/api/v1/incidents/" + id + "/resolve", "{\"resolution\":\"Restarted\"}");
        String after = browser.get("/ui/services/checkout").body();
        assertThat(after.substring(after.indexOf("Recently resolved"))).contains("href=\"/incidents/" + id + "\"");

        String batch = browser.get("/ui/services/batch").body();
        assertThat(batch).contains("nightly-backup", "/api/v1/heartbeat/••••••••0001/nightly-backup", "Yearly power test",
                        "<code>/fail</code>")
                .doesNotContain(BATCH_KEY);
        String payments = browser.get("/ui/services/payments").body();
        assertThat(payments).contains("Payments on-call", "on-call engineer", "team lead", "Ana", "engineering manager",
                "Carla", "then after 15m");
        assertThat(payments).doesNotContain("Alert grouping");
        assertThat(browser.get("/ui/services/grouped").body()).contains("Alert grouping: a new alert joins the open incident of",
                "earlier alerts with the same component, labels.region", "for 30m after it opened.");
        assertThat(browser.get("/ui/services/storm").body()).contains("the service", "until it is resolved.");
    }

    @Test
    void theIncidentListFiltersByStatusServiceAndSeverityAndPagesBackwards() throws Exception {
        String token = unique("list");
        long open = declare("Open one " + token, "billing", "P1");
        long resolved = declare("Resolved one " + token, "billing", "P3");
        api.post("/api/v1/incidents/" + resolved + "/resolve", "{}");
        String all = browser.get("/ui/incidents?service=billing").body();
        assertThat(all).contains("#" + open + " Open one " + token, "#" + resolved + " Resolved one " + token,
                "resolved within a minute", "open just now", "href=\"/ui/services/billing\">Billing</a>");
        assertThat(all.indexOf("#" + resolved + " ")).as("newest first").isLessThan(all.indexOf("#" + open + " "));
        String onlyResolved = browser.get("/ui/incidents?status=resolved&service=billing").body();
        assertThat(onlyResolved).contains("Resolved one " + token).doesNotContain("Open one " + token);
        String onlyP1 = browser.get("/ui/incidents?severity=P1&service=billing").body();
        assertThat(onlyP1).contains("Open one " + token).doesNotContain("Resolved one " + token);

        String refused = browser.get("/ui/incidents?status=closed&service=nowhere&severity=P9").body();
        assertThat(refused).contains("expected open, resolved or all, got &#39;closed&#39;",
                "no service has the id &#39;nowhere&#39;", "got &#39;P9&#39;").doesNotContain("<tbody>");
        HttpResponse<String> badPage = browser.get("/ui/incidents?before=yesterday");
        assertThat(badPage.statusCode()).isEqualTo(200);
        assertThat(badPage.body()).contains("before: an incident number, got &#39;yesterday&#39;");

        // Fifty to a page: the oldest of 51 new ones is on the next page, which the link opens.
        long oldest = declare("Paged 0 " + token, "storefront", "P3");
        for (int i = 1; i <= IncidentListPage.PAGE; i++) {
            declare("Paged " + i + " " + token, "storefront", "P3");
        }
        String first = browser.get("/ui/incidents?service=storefront").body();
        assertThat(first).contains("Paged 50 " + token, "Paged 1 " + token).doesNotContain("Paged 0 " + token);
        java.util.regex.Matcher older = java.util.regex.Pattern.compile("href=\"(/ui/incidents\\?[^\"]*before=\\d+)\">Older")
                .matcher(first);
        assertThat(older.find()).as("a link to older incidents").isTrue();
        String second = browser.get(older.group(1).replace("&amp;", "&")).body();
        assertThat(second).contains("#" + oldest + " Paged 0 " + token).doesNotContain("Paged 1 " + token);
    }

    private long declare(String title, String service, String severity) {
        return api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"" + service
                + "\",\"severity\":\"" + severity + "\"}").json().get("id").asLong();
    }

    @Test
    void anUnknownServiceOrMonitorIsANotFoundPage() throws Exception {
        for (String page : List.of("/ui/services/nope", "/ui/monitors/nope", "/incidents/nope")) {
            HttpResponse<String> r = browser.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).as(page).startsWith("text/html");
            assertThat(r.body()).as(page).contains("Not found", "&#39;nope&#39; does not exist");
        }
    }

    @Test
    void escalationPoliciesShowTheirLevelsTargetsWhomASchedulePagesNowAndTheirServices() throws Exception {
        String page = browser.get("/ui/escalation-policies").body();
        assertThat(page).contains("id=\"policy-payments\"", "Payments on-call", "after the last level, runs again from level 1 once more",
                "on-call engineer", "schedule <a href=\"/ui/schedules\">primary</a>", "user <span>Ana</span>",
                "team lead", "engineering manager", "user <span>Carla</span>",
                "next level after 15m without acknowledgement", "next level after 30m without acknowledgement",
                "pages levels 1 to 3 at once", "starts at level 2", "Used by", "href=\"/ui/services/payments\"");
        assertThat(page).containsAnyOf("on call now", "nobody on call now");
        String onCall = api.get("/api/v1/oncall").json().get("escalation_policies").get(0).get("levels").get(0).get("users").toString();
        if (onCall.contains("\"bo\"")) {
            assertThat(page).contains("<strong>Bo</strong>");
        } else if (onCall.contains("\"ana\"")) {
            assertThat(page).contains("<strong>Ana</strong>");
        }
    }

    @Test
    void maintenanceScheduledFromTheFormIsListedHereAndInTheApiAndCanBeCancelled() throws Exception {
        Instant start = clock.instant().plus(Duration.ofDays(20)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Instant end = start.plus(Duration.ofHours(2));
        String reason = "Broker upgrade " + unique("m");
        String page = browser.get("/ui/maintenance").body();
        assertThat(page).contains("Schedule maintenance", "Yearly power test",
                "Declared in the configuration file: change or remove it there.");
        String token = csrf(page);
        assertThat(browser.post("/ui/maintenance", "service=bursty&start=" + LOCAL.format(start) + "&end="
                + LOCAL.format(end) + "&reason=x").statusCode()).as("no CSRF token").isEqualTo(403);

        HttpResponse<String> made = browser.post("/ui/maintenance", "service=bursty&service=resumable&start="
                + LOCAL.format(start) + "&end=" + LOCAL.format(end) + "&reason=" + enc(reason) + "&_csrf=" + token);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(302);
        String listed = browser.get("/ui/maintenance").body();
        assertThat(listed).contains("Scheduled maintenance for Bursty batch, Resumable.", reason, "by user:ana");

        JsonNode windows = api.get("/api/v1/maintenance-windows").json();
        List<JsonNode> ours = new java.util.ArrayList<>();
        windows.forEach(w -> {
            if (reason.equals(w.get("reason").asString())) {
                ours.add(w);
            }
        });
        assertThat(ours).hasSize(2);
        assertThat(ours.get(0).get("start").asString()).isEqualTo(start.toString());
        assertThat(ours.get(0).get("end").asString()).isEqualTo(end.toString());
        assertThat(ours.get(0).get("origin").asString()).isEqualTo("api");
        assertThat(browser.get("/ui/services/bursty").body()).contains(reason);

        for (JsonNode w : ours) {
            long id = w.get("id").asLong();
            assertThat(listed).contains("aria-label=\"Cancel maintenance window " + id + "\"");
            HttpResponse<String> cancelled = browser.post("/ui/maintenance/" + id + "/cancel", "_csrf=" + token);
            assertThat(cancelled.statusCode()).isEqualTo(302);
            assertThat(browser.get("/ui/maintenance").body()).contains("Cancelled maintenance window " + id + ".");
        }
        String after = browser.get("/ui/maintenance").body();
        assertThat(after).doesNotContain(reason);
        assertThat(api.get("/api/v1/maintenance-windows").body()).doesNotContain(reason);

        assertThat(browser.post("/ui/maintenance/999999/cancel", "_csrf=" + token).statusCode()).isEqualTo(302);
        assertThat(browser.get("/ui/maintenance").body()).contains("maintenance window 999999 does not exist");
    }

    @Test
    void badMaintenanceInputComesBackWithTheErrorNextToEachFieldAndStoresNothing() throws Exception {
        String token = csrf(browser.get("/ui/maintenance").body());
        int before = api.get("/api/v1/maintenance-windows").json().size();
        Instant start = clock.instant().plus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        HttpResponse<String> refused = browser.post("/ui/maintenance", "service=bursty&service=nope&start="
                + LOCAL.format(start) + "&end=" + LOCAL.format(start.minus(Duration.ofHours(1))) + "&reason=&_csrf=" + token);
        assertThat(refused.statusCode()).isEqualTo(400);
        String html = refused.body();
        assertThat(html).contains("<p class=\"error\" id=\"service-error\">unknown service &#39;nope&#39;</p>",
                "<p class=\"error\" id=\"end-error\">must be after start</p>",
                "<p class=\"error\" id=\"reason-error\">required: what the maintenance is for</p>",
                "aria-invalid=\"true\"", "value=\"" + LOCAL.format(start) + "\"");
        assertThat(html).doesNotContain("id=\"start-error\"");
        assertThat(html).as("the services chosen stay chosen").containsPattern("value=\"bursty\"[^>]*checked=\"checked\"");

        HttpResponse<String> garbled = browser.post("/ui/maintenance", "start=tonight&end=&reason=" + enc("<i>x</i>")
                + "&_csrf=" + token);
        assertThat(garbled.statusCode()).isEqualTo(400);
        assertThat(garbled.body()).contains("<p class=\"error\" id=\"service-error\">required</p>",
                "expected an instant such as 2026-03-10T22:00:00Z, got &#39;tonight&#39;", "value=\"&lt;i&gt;x&lt;/i&gt;\"",
                "<p class=\"error\" id=\"end-error\">required: an instant");
        assertThat(api.get("/api/v1/maintenance-windows").json().size()).as("nothing stored").isEqualTo(before);
    }

    @Test
    void theStatusUpdateIsComposedFromTheTemplateAndPreviewedEscapedBeforeItIsSent() throws Exception {
        long id = api.post("/api/v1/incidents", """
                {"title":"<script>alert(1)</script>","service":"storefront","severity":"P2"}""").json().get("id").asLong();
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).contains("Composed from the", "📊 INCIDENT UPDATE: &lt;script&gt;alert(1)&lt;/script&gt;",
                "Progress: ", "Next update: ", "data-preview", "formaction=\"/incidents/" + id + "/updates/preview\"")
                .doesNotContain("<script>alert(1)");
        String token = csrf(page);
        String form = "message=" + enc("Rolled back <b>v2</b>") + "&status=monitoring&_csrf=" + token;

        HttpResponse<String> fragment = browser.post("/incidents/" + id + "/updates/preview", form + "&fragment=true");
        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body()).startsWith("<div id=\"preview\"").doesNotContain("<html", "<script>alert(1)", "<b>v2")
                .contains("What stakeholders would receive",
                        "[P2] Storefront: &lt;script&gt;alert(1)&lt;/script&gt; (#" + id + ")",
                        "📊 INCIDENT UPDATE: &lt;script&gt;alert(1)&lt;/script&gt;", "Status: Monitoring",
                        "Progress: Rolled back &lt;b&gt;v2&lt;/b&gt;", "ops-slack (slack)", "stakeholders (email)");

        HttpResponse<String> withoutScript = browser.post("/incidents/" + id + "/updates/preview", form);
        assertThat(withoutScript.statusCode()).isEqualTo(200);
        assertThat(withoutScript.body()).contains("<html", "What stakeholders would receive",
                        ">Rolled back &lt;b&gt;v2&lt;/b&gt;</textarea>", "<option value=\"monitoring\" selected=\"selected\">")
                .doesNotContain("<script>alert(1)");
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").body()).as("a preview sends and records nothing")
                .doesNotContain("incident.status_update", "Rolled back");
        assertThat(incident(id).get("status").asString()).isEqualTo("triggered");

        String resolving = browser.post("/incidents/" + id + "/updates/preview", "message=" + enc("Fixed the cache")
                + "&status=resolved&fragment=true&_csrf=" + token).body();
        assertThat(resolving).contains("The resolution message", "✅ INCIDENT RESOLVED: &lt;script&gt;alert(1)&lt;/script&gt;",
                "Resolution: Fixed the cache");
        assertThat(browser.post("/incidents/" + id + "/updates/preview", "message=x&status=sleeping&fragment=true&_csrf="
                + token).body()).contains("expected investigating, identified, monitoring or resolved");
        assertThat(browser.post("/incidents/" + id + "/updates/preview", "message=x").statusCode()).as("no CSRF token")
                .isEqualTo(403);

        browser.post("/incidents/" + id + "/updates", form);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").body()).contains("Rolled back <b>v2</b>");
    }

    @Test
    void theMonitorPageDrawsItsLatencyAsAnSvgChartOnceChecksAreRecorded() throws Exception {
        LoopbackSink sink = TestReceivers.sink();
        String id = unique("chart");
        Http.Response created = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"1500ms"}""".formatted(sink.baseUrl(), id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        MonitorTestSupport.housekeeping(monitors);

        String empty = browser.get("/ui/monitors/" + id).body();
        assertThat(empty).contains("No checks in the last 24 hours.").doesNotContain("<svg");

        sink.answer("/" + id, LoopbackSink.Answer.status(200, "{\"status\":\"healthy\"}"));
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/monitors/" + id + "/check", null).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(api.post("/api/v1/monitors/" + id + "/check", null).status()).isEqualTo(200);
        MonitorTestSupport.housekeeping(monitors); // writes the finished minutes to the rollups

        String page = browser.get("/ui/monitors/" + id).body();
        assertThat(page).contains("<svg", "role=\"img\"", "aria-labelledby=\"chart-title chart-desc\"",
                "<title id=\"chart-title\">Latency of " + id + ", the last 24 hours</title>",
                "<desc id=\"chart-desc\">p50 and p95 response time per minute", "class=\"line p95\"",
                "class=\"line p50\"", "time (UTC)", " ms</text>", "The figures as a table", "HTTP 200 in ",
                "The last 90 days", "class=\"bar ok\"");
        assertThat(page.split("<circle", -1).length - 1).as("a p50 and a p95 point per minute with checks").isEqualTo(4);
        assertThat(page).containsPattern("class=\"line p95\" d=\"M[0-9.]+ [0-9.]+ L[0-9.]+ [0-9.]+\"");
        assertThat(page.split("class=\"bar ", -1).length - 1).isEqualTo(90);
        assertThat(browser.get("/ui/monitors").body()).contains("href=\"/ui/monitors/" + id + "\"");
        assertThat(api.get("/api/v1/monitors/" + id + "/results").json().get("buckets").size())
                .as("the API reads the same buckets").isEqualTo(2);
        api.delete("/api/v1/monitors/" + id);
    }

    /**
     * A monitor paused for a whole day ran no check that day because someone chose so: its bar says paused, not "no
     * checks", and counts neither as up nor down; the days it was paused in part keep their figures and say so.
     */
    @Test
    void aDayTheMonitorSpentPausedShowsAsPausedOnItsBars() throws Exception {
        LoopbackSink sink = TestReceivers.sink();
        String id = unique("paused-day");
        Http.Response created = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"1500ms"}""".formatted(sink.baseUrl(), id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        MonitorTestSupport.housekeeping(monitors);
        sink.answer("/" + id, LoopbackSink.Answer.status(200, "{\"status\":\"healthy\"}"));
        LocalDate pausedOn = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        assertThat(api.post("/api/v1/monitors/" + id + "/check", null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/monitors/" + id + "/pause", null).status()).isEqualTo(200);
        clock.advance(Duration.ofDays(2));
        assertThat(api.post("/api/v1/monitors/" + id + "/resume", null).status()).isEqualTo(200);
        MonitorTestSupport.housekeeping(monitors);
        assertThat(api.post("/api/v1/monitors/" + id + "/check", null).status()).isEqualTo(200);

        String page = browser.get("/ui/monitors/" + id).body();
        LocalDate wholeDay = pausedOn.plusDays(1);
        assertThat(page).contains("class=\"bar paused\"", wholeDay + ": paused, no checks")
                .doesNotContain(wholeDay + ": no checks")
                .containsPattern(pausedOn + ": [^\"]*paused part of the day")
                .containsPattern(pausedOn.plusDays(2) + ": [^\"]*paused part of the day");
        assertThat(page.split("class=\"bar paused\"", -1).length - 1).as("one day paused throughout").isEqualTo(1);
        assertThat(page.split("class=\"bar ", -1).length - 1).isEqualTo(90);
        JsonNode uptime = api.get("/api/v1/monitors/" + id).json().get("uptime_percent");
        assertThat(uptime.get("90d").asDouble()).as("the paused days count neither as up nor as down").isEqualTo(100.0);
        api.delete("/api/v1/monitors/" + id);
    }

    @Test
    void theMonitorPagePausesAndResumesTheMonitorAsTheSignedInUser() throws Exception {
        String id = unique("pausable");
        Http.Response created = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"1500ms"}"""
                .formatted(TestReceivers.sink().baseUrl(), id));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String page = browser.get("/ui/monitors/" + id).body();
        assertThat(page).contains("aria-label=\"Pause monitor " + id + "\"").doesNotContain("Resume monitor");

        HttpResponse<String> paused = browser.post("/ui/monitors/" + id + "/pause", "_csrf=" + csrf(page));
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(302);
        String pausedPage = browser.get("/ui/monitors/" + id).body();
        assertThat(pausedPage).contains("Paused: no check runs until it is resumed.",
                "aria-label=\"Resume monitor " + id + "\"", ">paused</span>");
        JsonNode monitor = api.get("/api/v1/monitors/" + id).json();
        assertThat(monitor.get("level").asString()).isEqualTo("paused");
        assertThat(monitor.get("paused_by").asString()).isEqualTo("user:ana");

        HttpResponse<String> resumed = browser.post("/ui/monitors/" + id + "/resume", "_csrf=" + csrf(pausedPage));
        assertThat(resumed.statusCode()).isEqualTo(302);
        assertThat(browser.get("/ui/monitors/" + id).body()).contains("aria-label=\"Pause monitor " + id + "\"");
        assertThat(api.get("/api/v1/monitors/" + id).json().get("level").asString()).isNotEqualTo("paused");
        assertThat(browser.post("/ui/monitors/nope/pause", "_csrf=" + csrf(page)).statusCode()).isEqualTo(404);
        api.delete("/api/v1/monitors/" + id);
    }
}
