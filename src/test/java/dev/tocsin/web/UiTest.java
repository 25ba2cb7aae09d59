package dev.tocsin.web;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signed-in UI over real HTTP, as a browser does it: a session cookie, the CSRF token of each form, redirects.
 * Everything it changes goes through the same services as the API, so the timeline names the signed-in user.
 */
class UiTest extends ApiTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private HttpClient browser;

    @BeforeEach
    void freshBrowser() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF token in the page").isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void signIn(String user, String password) throws Exception {
        String token = csrf(get("/login").body());
        HttpResponse<String> r = post("/login", "username=" + user + "&password=" + enc(password) + "&_csrf=" + token);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard");
    }

    @Test
    void theDashboardNeedsASignInAndAWrongPasswordIsRefused() throws Exception {
        HttpResponse<String> anonymous = get("/dashboard");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        String token = csrf(get("/login").body());
        HttpResponse<String> wrong = post("/login", "username=ana&password=nope&_csrf=" + token);
        assertThat(wrong.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
        String again = csrf(get("/login").body());
        HttpResponse<String> noHash = post("/login", "username=bo&password=anything&_csrf=" + again);
        assertThat(noHash.headers().firstValue("Location").orElseThrow()).as("bo has no password hash").endsWith("/login?error");
        assertThat(get("/login?error").body()).contains("The user name or password is not right.");
    }

    @Test
    void anIncidentIsAcknowledgedFromTheDashboardAsTheSignedInUser() throws Exception {
        long id = api.post("/api/v1/incidents", """
                {"title":"<script>alert('x')</script> Checkout down","service":"checkout","severity":"P0"}""")
                .json().get("id").asLong();
        signIn("ana", "test-password-ana");
        HttpResponse<String> dashboard = get("/dashboard");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Checkout down")
                .doesNotContain("<script>alert").contains("Open incidents", "On call now", "Failing monitors");
        String token = csrf(dashboard.body());

        assertThat(post("/incidents/" + id + "/acknowledge", "").statusCode()).as("no CSRF token").isEqualTo(403);
        HttpResponse<String> ack = post("/incidents/" + id + "/acknowledge", "_csrf=" + token);
        assertThat(ack.statusCode()).isEqualTo(302);
        assertThat(incident(id).get("status").asString()).isEqualTo("acknowledged");
        String actor = api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("actor").get(1);
        assertThat(actor).isEqualTo("user:ana");
        assertThat(get("/incidents/" + id).body()).as("timeline entries read as sentences, not JSON")
                .contains("triggered → acknowledged").doesNotContain("{&quot;from&quot;", "{\"from\"");
    }

    @Test
    void anUnacknowledgedIncidentIsEscalatedFromItsPage() throws Exception {
        long withPolicy = api.post("/api/v1/incidents", "{\"title\":\"Card payments failing\",\"service\":\"payments\","
                + "\"severity\":\"P1\"}").json().get("id").asLong();
        long withoutPolicy = api.post("/api/v1/incidents", "{\"title\":\"Slow search\",\"service\":\"checkout\","
                + "\"severity\":\"P1\"}").json().get("id").asLong();
        signIn("ana", "test-password-ana");
        assertThat(get("/incidents/" + withoutPolicy).body()).as("nobody to escalate to").doesNotContain("Escalate now");
        HttpResponse<String> page = get("/incidents/" + withPolicy);
        assertThat(page.body()).contains("Escalate now");

        HttpResponse<String> escalated = post("/incidents/" + withPolicy + "/escalate", "_csrf=" + csrf(page.body()));
        assertThat(escalated.statusCode()).isEqualTo(302);
        JsonNode pages = api.get("/api/v1/incidents/" + withPolicy + "/escalation").json().get("pages");
        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).get("level").asInt()).isEqualTo(2);
        assertThat(get("/incidents/" + withPolicy).body()).contains("Paged the next level.", "escalation.requested");

        api.post("/api/v1/incidents/" + withPolicy + "/acknowledge", null);
        HttpResponse<String> acknowledged = get("/incidents/" + withPolicy);
        assertThat(acknowledged.body()).contains("Snooze for").doesNotContain("Escalate now");
        String token = csrf(acknowledged.body());
        post("/incidents/" + withPolicy + "/snooze", "duration=4h&_csrf=" + token);
        assertThat(get("/incidents/" + withPolicy).body()).contains("Snoozed.", "Snoozed until ", "incident.snoozed");
        post("/incidents/" + withPolicy + "/snooze", "duration=forever&_csrf=" + token);
        assertThat(get("/incidents/" + withPolicy).body()).contains("expected a duration such as 30m, 4h or 1d");
    }

    @Test
    void theIncidentPageShowsTheTimelineAndRefusalsNextToTheirField() throws Exception {
        long id = api.post("/api/v1/incidents", "{\"title\":\"Slow search\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
        signIn("ana", "test-password-ana");
        HttpResponse<String> page = get("/incidents/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("#" + id + " Slow search", "incident.declared", "response target");
        assertThat(page.body()).containsPattern("<time class=\"muted\" datetime=\"[^\"]+\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC</time>");
        String token = csrf(page.body());

        assertThat(post("/incidents/" + id + "/notes", "text=&_csrf=" + token).statusCode()).isEqualTo(302);
        String refused = get("/incidents/" + id).body();
        assertThat(refused).contains("class=\"error\"").contains("required");

        post("/incidents/" + id + "/updates", "message=" + enc("Index rebuilt <b>now</b>") + "&status=monitoring&_csrf=" + token);
        String after = get("/incidents/" + id).body();
        assertThat(after).contains("Index rebuilt &lt;b&gt;now&lt;/b&gt;", "monitoring");
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().toString()).contains("user:ana");

        post("/incidents/" + id + "/resolve", "resolution=" + enc("Rebuilt the index") + "&_csrf=" + token);
        assertThat(incident(id).get("status").asString()).isEqualTo("resolved");
        assertThat(get("/incidents/999999").statusCode()).isEqualTo(404);
    }

    @Test
    void anIncidentIsDeclaredAndItsRolesAssignedFromTheUi() throws Exception {
        signIn("ana", "test-password-ana");
        String token = csrf(get("/dashboard").body());
        HttpResponse<String> refused = post("/incidents", "title=&service=checkout&severity=P1&_csrf=" + token);
        assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard");
        assertThat(get("/dashboard").body()).contains("class=\"error\"", "required");

        // A refusal keeps what was typed, the severity and the description included.
        post("/incidents", "title=&service=billing&severity=P2&description=" + enc("Card <i>declines</i>") + "&_csrf=" + token);
        String kept = get("/dashboard").body();
        assertThat(kept).contains("<option value=\"P2\" selected=\"selected\">", "Card &lt;i&gt;declines&lt;/i&gt;</textarea>");

        String title = "Declared in the UI " + unique("d");
        HttpResponse<String> declared = post("/incidents", "title=" + enc(title) + "&service=billing&severity=P1"
                + "&description=" + enc("Card payments\nfail for <b>some</b> users") + "&command=true&_csrf=" + token);
        String location = declared.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches(".*/incidents/\\d+");
        long id = Long.parseLong(location.replaceAll(".*/", ""));
        assertThat(get("/incidents/" + id).body()).contains("Incident declared."); // the browser follows the redirect
        JsonNode incident = incident(id);
        assertThat(incident.get("title").asString()).isEqualTo(title);
        assertThat(incident.get("severity").asString()).isEqualTo("P1");
        assertThat(incident.get("description").asString()).isEqualTo("Card payments\nfail for <b>some</b> users");
        assertThat(incident.get("roles").get("incident_commander").asString()).as("the declaring person took command")
                .isEqualTo("ana");
        assertThat(get("/incidents/" + id).body()).contains("<p class=\"description\">Card payments\nfail for &lt;b&gt;some&lt;/b&gt; users</p>");

        post("/incidents/" + id + "/roles", "role=communications_lead&user=bo&_csrf=" + token);
        get("/incidents/" + id);
        assertThat(incident(id).get("roles").get("communications_lead").asString()).isEqualTo("bo");
        post("/incidents/" + id + "/roles", "role=chef&user=bo&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("expected incident_commander, technical_lead or communications_lead");
    }

    @Test
    void theSeverityAndTheImpactAreChangedFromTheIncidentPage() throws Exception {
        long id = api.post("/api/v1/incidents", "{\"title\":\"Checkout slow\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
        signIn("ana", "test-password-ana");
        String page = get("/incidents/" + id).body();
        assertThat(page).contains("Impact: <span>not assessed yet</span>", "Severity and impact");
        String token = csrf(page);

        post("/incidents/" + id + "/severity", "severity=P1&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("Severity changed.");
        assertThat(incident(id).get("severity").asString()).isEqualTo("P1");
        post("/incidents/" + id + "/severity", "severity=P1&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("already has severity P1");
        post("/incidents/" + id + "/severity", "severity=P9&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("unknown severity &#39;P9&#39;");

        // Every bad field is named, what was typed comes back, and nothing is stored.
        post("/incidents/" + id + "/impact", "users_affected=many&data_loss=perhaps&services_affected=checkout"
                + "&services_affected=nowhere&financial_impact=&_csrf=" + token);
        String refused = get("/incidents/" + id).body();
        assertThat(refused).contains("must be a whole number of zero or more, got &#39;many&#39;",
                "expected yes, no or empty (not known)", "value=\"many\"");
        assertThat(incident(id).get("impact").get("users_affected").isNull()).isTrue();
        post("/incidents/" + id + "/impact", "users_affected=12&services_affected=nowhere&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("unknown service &#39;nowhere&#39;");
        assertThat(incident(id).get("impact").get("users_affected").isNull()).isTrue();

        post("/incidents/" + id + "/impact", "users_affected=1200&services_affected=checkout&services_affected=billing"
                + "&data_loss=no&financial_impact=" + enc("~$5k an hour") + "&_csrf=" + token);
        String updated = get("/incidents/" + id).body();
        assertThat(updated).contains("Impact updated.",
                "1,200 users affected · services Checkout, Billing · no data lost · financial: ~$5k an hour");
        JsonNode impact = incident(id).get("impact");
        assertThat(impact.get("users_affected").asLong()).isEqualTo(1200);
        assertThat(impact.get("services_affected").toString()).isEqualTo("[\"checkout\",\"billing\"]");
        assertThat(impact.get("data_loss").asBoolean()).isFalse();
        assertThat(impact.get("financial_impact").asString()).isEqualTo("~$5k an hour");
        String timeline = api.get("/api/v1/incidents/" + id + "/timeline").json().toString();
        assertThat(timeline).contains("incident.severity_changed", "incident.impact_updated", "user:ana");
        assertThat(updated).contains("services affected: none → checkout, billing", "users affected: unknown → 1200");

        // Emptied fields mean "not known" again.
        post("/incidents/" + id + "/impact", "users_affected=&data_loss=&financial_impact=&_csrf=" + token);
        assertThat(get("/incidents/" + id).body()).contains("Impact: <span>not assessed yet</span>");
    }

    /**
     * The communications lead words an alert's incident for the public from its page: the page says what the status
     * page shows, a refusal comes back next to the field with what was typed, and the status page shows the words.
     */
    @Test
    void thePublicTitleIsWordedFromTheIncidentPageAndShowsOnTheStatusPage() throws Exception {
        String dedupKey = unique("ui-public");
        String summary = "pod checkout-7f9c-xk2 OOMKilled " + dedupKey;
        assertThat(enqueue(trigger(CHECKOUT_KEY, dedupKey, summary, "critical")).status()).isEqualTo(202);
        long id = incidentOf(dedupKey);
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).contains("Public title (status page)",
                "The status page shows: <strong>Checkout: major outage</strong>");
        String token = SignedInBrowser.csrf(page);

        HttpResponse<String> refused = browser.post("/incidents/" + id + "/public-title",
                "public_title=" + SignedInBrowser.enc("x".repeat(201)) + "&_csrf=" + token);
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(browser.get("/incidents/" + id).body()).contains("at most 200 characters",
                "value=\"" + "x".repeat(201) + "\"");
        assertThat(incident(id).get("public_title").isNull()).isTrue();
        browser.post("/incidents/" + id + "/public-title", "public_title=+++&_csrf=" + token);
        assertThat(browser.get("/incidents/" + id).body()).contains("must not be blank");

        String words = "Checkout errors <b>for some</b> customers";
        browser.post("/incidents/" + id + "/public-title", "public_title=" + SignedInBrowser.enc(words) + "&_csrf=" + token);
        String saved = browser.get("/incidents/" + id).body();
        assertThat(saved).contains("Public title saved.",
                "The status page shows: <strong>Checkout errors &lt;b&gt;for some&lt;/b&gt; customers</strong>");
        assertThat(incident(id).get("public_title").asString()).isEqualTo(words);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().toString())
                .contains("incident.public_title_set", "user:ana");
        String status = anonymous.get("/status").body();
        assertThat(status).contains("Checkout errors &lt;b&gt;for some&lt;/b&gt; customers").doesNotContain(summary);

        browser.post("/incidents/" + id + "/public-title", "clear=true&_csrf=" + token);
        assertThat(browser.get("/incidents/" + id).body())
                .contains("The status page shows: <strong>Checkout: major outage</strong>");
        assertThat(incident(id).get("public_title").isNull()).isTrue();
    }

    /**
     * Beside the public title, the incident's page says whether the status page shows it and why, and offers Publish or
     * Hide, and the way back to status_page.publish once someone chose; an observer reads the sentence without a form.
     */
    @Test
    void theIncidentPageSaysWhetherItIsPublishedAndWhyAndHidesItFromTheStatusPage() throws Exception {
        String title = "Checkout hiccup " + unique("ui-publish");
        long id = api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).contains("<strong>On the public status page</strong>,", "status_page.publish: all",
                "value=\"hide\">Hide</button>").doesNotContain("value=\"rule\"");
        String token = SignedInBrowser.csrf(page);

        assertThat(browser.post("/incidents/" + id + "/status-page", "choice=hide&_csrf=" + token).statusCode())
                .isEqualTo(302);
        String hidden = browser.get("/incidents/" + id).body();
        assertThat(hidden).contains("Status page choice saved.", "<strong>Not on the public status page</strong>",
                "a person hid it.", "value=\"publish\">Publish</button>", "Follow the rule</button>",
                "status page: by the rule → hidden");
        assertThat(anonymous.get("/status").body()).doesNotContain(title);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().toString())
                .contains("incident.unpublished", "user:ana");

        String observed = new SignedInBrowser(port).signIn("vic", "test-password-vic").get("/incidents/" + id).body();
        assertThat(observed).contains("<strong>Not on the public status page</strong>", "a person hid it.")
                .doesNotContain("status-page-form");

        browser.post("/incidents/" + id + "/status-page", "choice=maybe&_csrf=" + token);
        assertThat(browser.get("/incidents/" + id).body()).contains("expected publish, hide or rule");
        browser.post("/incidents/" + id + "/status-page", "choice=rule&_csrf=" + token);
        assertThat(browser.get("/incidents/" + id).body()).contains("<strong>On the public status page</strong>,",
                "status page: hidden → by the rule (published)");
        assertThat(anonymous.get("/status").body()).contains(title);
    }

    @Test
    void theDashboardAndTheIncidentShowTheDeploysBeforeIt() throws Exception {
        String deploy = "Deploy v" + unique("v");
        assertThat(anonymous.post("/v2/change/enqueue", """
                {"routing_key":"%s","payload":{"summary":"%s","source":"ci"}}""".formatted(CHECKOUT_KEY, deploy))
                .status()).isEqualTo(202);
        long id = api.post("/api/v1/incidents", "{\"title\":\"After the deploy\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
        signIn("ana", "test-password-ana");
        assertThat(get("/dashboard").body()).contains("Recent changes", deploy);
        assertThat(get("/incidents/" + id).body()).contains("Changes in the hour before it opened", deploy);
    }

    @Test
    void aSignedInBrowserHearsOfAnIncidentChangeOnceItHasCommitted() throws Exception {
        signIn("ana", "test-password-ana");
        HttpResponse<java.util.stream.Stream<String>> stream = browser.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ui/events")).timeout(Duration.ofSeconds(10))
                        .GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        java.util.concurrent.CompletableFuture<String> heard = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                stream.body().filter(line -> line.startsWith("data:") && line.contains("\"id\":")).findFirst().orElse(""));
        long id = api.post("/api/v1/incidents", "{\"title\":\"Live\",\"service\":\"checkout\",\"severity\":\"P3\"}")
                .json().get("id").asLong();
        try {
            assertThat(heard.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("\"id\":" + id);
        } finally {
            stream.body().close(); // the stream never ends by itself
        }
        HttpResponse<Void> anonymous = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ui/events")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(anonymous.statusCode()).as("not signed in: to the login page").isEqualTo(302);
    }

    @Test
    void theSchedulesAndMonitorsViewsShowTwoWeeksOfShiftsAndEveryMonitor() throws Exception {
        signIn("ana", "test-password-ana");
        String schedules = get("/ui/schedules").body();
        assertThat(schedules).contains("On call, the next two weeks", "primary", "Europe/Berlin", "Payments on-call");
        assertThat(get("/dashboard").body()).as("who is on call, by name")
                .containsPattern("<span>on-call engineer</span>:\\s*<span>(Ana|Bo)</span>");
        // People by name, times as the other pages write them (not 2026-03-01T10:00:00Z).
        assertThat(schedules).containsPattern("<strong>(Ana|Bo)</strong>").containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC → ")
                .doesNotContainPattern("\\d\\d:\\d\\d:\\d\\dZ");
        String monitors = get("/ui/monitors").body();
        assertThat(monitors).contains("deep-health", "closed-port", "unset-monitor", "unconfigured", "Maintenance windows");
        // Services by name, linked; the maintenance window's service by name too.
        assertThat(monitors).contains("<a href=\"/ui/services/monitored\">Monitored API</a>", "<strong>Batch jobs</strong>");
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        signIn("ana", "test-password-ana");
        String token = csrf(get("/dashboard").body());
        assertThat(post("/logout", "_csrf=" + token).headers().firstValue("Location").orElseThrow()).endsWith("/login?signed-out");
        assertThat(get("/dashboard").statusCode()).isEqualTo(302);
        assertThat(new Http(port, null).get("/api/v1/incidents").status()).as("the API still wants an API key").isEqualTo(401);
    }
}
