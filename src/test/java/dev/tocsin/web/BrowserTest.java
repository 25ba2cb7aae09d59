package dev.tocsin.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.tocsin.ApiTest;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestReceivers;
import dev.tocsin.monitor.MonitorEngine;
import dev.tocsin.monitor.MonitorTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The UI in a real headless browser: Debian's chromium, driven by Playwright. Signs in, acknowledges from the
 * dashboard, previews and posts a status update, and reads it on the public status page, where the internal note
 * is not; finds a service, schedules and cancels maintenance, and reads a monitor's latency chart. Takes the
 * README's screenshots, into target/screenshots/, or into the folder TOCSIN_SCREENSHOTS names
 * ({@code TOCSIN_SCREENSHOTS=docs/screenshots} refreshes the README's). Without /usr/bin/chromium the test is
 * skipped, unless TOCSIN_REQUIRE_BROWSER is set (as .ci/run does), where it fails instead.
 */
// Its own context (a fresh database: screenshots show only this test), with the address people would use.
@TestPropertySource(properties = {"tocsin.browser-test=own-context", "tocsin.public-url=https://tocsin.example.com"})
class BrowserTest extends ApiTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** A test run leaves the committed screenshots alone unless asked to replace them. */
    private static final Path SCREENSHOTS = Path.of(System.getenv().getOrDefault("TOCSIN_SCREENSHOTS", "target/screenshots"));
    private static Playwright playwright;
    private static Browser browser;

    @Autowired
    MonitorEngine monitors;

    @BeforeAll
    static void launch() {
        boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(Path.of("/usr/bin/node"));
        if (System.getenv("TOCSIN_REQUIRE_BROWSER") != null) {
            assertThat(available).as("/usr/bin/chromium and /usr/bin/node (apt-get install -y chromium nodejs)").isTrue();
        }
        assumeTrue(available, "no /usr/bin/chromium or /usr/bin/node: browser tests skipped");
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Test
    void signInAcknowledgePostAnUpdateAndReadItOnTheStatusPage() throws Exception {
        String token = unique("br");
        long id = api.post("/api/v1/incidents", """
                {"title":"<script>alert('pwned')</script> Checkout errors %s","service":"checkout","severity":"P0"}"""
                .formatted(token)).json().get("id").asLong();
        api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"Internal: suspect the cache node " + token + "\"}");
        String base = "http://localhost:" + port;

        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1100, 900));
        page.onDialog(dialog -> {
            throw new AssertionError("a script ran in the page: " + dialog.message());
        });
        List<String> refused = refusedByThePolicy(page);
        page.navigate(base + "/dashboard");
        assertThat(page.url()).endsWith("/login");
        page.fill("#username", "ana");
        page.fill("#password", "test-password-ana");
        page.click("button[type=submit]");
        page.waitForURL("**/dashboard*"); // Spring Security adds ?continue when it returns to the page asked for
        assertThat(page.textContent("main")).contains("<script>alert('pwned')</script> Checkout errors " + token);
        // Live: an incident declared elsewhere appears without a reload.
        String live = "Declared elsewhere " + token;
        api.post("/api/v1/incidents", "{\"title\":\"" + live + "\",\"service\":\"billing\",\"severity\":\"P2\"}");
        page.waitForSelector("text=" + live, new Page.WaitForSelectorOptions().setTimeout(10_000));
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshot("dashboard")).setFullPage(true));

        page.click("button[aria-label='Acknowledge incident " + id + "']");
        page.waitForURL("**/incidents/" + id + "*");
        assertThat(incident(id).get("status").asString()).isEqualTo("acknowledged");

        page.click("summary:has-text('Severity and impact')");
        page.fill("#users_affected", "1200");
        page.check("input[name=services_affected][value=billing]");
        page.selectOption("#data_loss", "no");
        page.click("text=Save impact");
        page.waitForSelector("text=Impact updated.", new Page.WaitForSelectorOptions().setTimeout(10_000));
        assertThat(page.textContent("#impact-line")).contains("1,200 users affected · services Billing · no data lost");

        page.fill("#message", "A fix is deployed and error rates are falling " + token);
        page.selectOption("#status", "monitoring");
        // The preview comes into the page (no navigation), the title still text, and nothing is sent yet.
        page.click("button[data-preview]");
        page.waitForSelector("#preview-title", new Page.WaitForSelectorOptions().setTimeout(10_000));
        assertThat(page.url()).endsWith("/incidents/" + id);
        assertThat(page.textContent("#preview")).contains("INCIDENT", "<script>alert('pwned')</script> Checkout errors "
                + token, "A fix is deployed and error rates are falling " + token, "MONITORING");
        assertThat(page.inputValue("#message")).isEqualTo("A fix is deployed and error rates are falling " + token);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").body()).doesNotContain("incident.status_update");
        page.click("text=Post update");
        page.waitForURL("**/incidents/" + id + "*");
        assertThat(page.textContent(".timeline")).contains("A fix is deployed and error rates are falling " + token,
                "Internal: suspect the cache node");
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshot("incident")).setFullPage(true));

        Page status = browser.newPage(new Browser.NewPageOptions().setViewportSize(1000, 900));
        status.onDialog(dialog -> {
            throw new AssertionError("a script ran in the status page: " + dialog.message());
        });
        refused.addAll(refusedByThePolicy(status));
        status.navigate(base + "/status");
        String text = status.textContent("body");
        assertThat(text).contains("A fix is deployed and error rates are falling " + token)
                .contains("<script>alert('pwned')</script> Checkout errors " + token)
                .doesNotContain("Internal: suspect the cache node");
        status.screenshot(new Page.ScreenshotOptions().setPath(screenshot("status")).setFullPage(false));

        Page phone = browser.newPage(new Browser.NewPageOptions().setViewportSize(390, 844));
        phone.navigate(base + "/status");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling on a phone")
                .isLessThanOrEqualTo(390);
        assertThat(refused).as("what the Content-Security-Policy refused in our own pages").isEmpty();
    }

    /** What the browser refused under the Content-Security-Policy, from its console, as it happens. */
    private static List<String> refusedByThePolicy(Page page) {
        List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                refused.add(page.url() + ": " + m.text());
            }
        });
        return refused;
    }

    @Test
    void findAServiceScheduleAndCancelMaintenanceAndReadAMonitorsLatencyChart() throws Exception {
        String base = "http://localhost:" + port;
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1100, 900));
        page.onDialog(dialog -> {
            throw new AssertionError("a script ran in the page: " + dialog.message());
        });
        List<String> refused = refusedByThePolicy(page);
        page.navigate(base + "/ui/services");
        page.fill("#username", "ana");
        page.fill("#password", "test-password-ana");
        page.click("button[type=submit]");
        page.waitForURL("**/ui/services*");
        page.click("text=Payments on-call");
        page.waitForURL("**/ui/escalation-policies#policy-payments");
        assertThat(page.textContent("#policy-payments")).contains("on-call engineer", "team lead", "Used by");
        page.navigate(base + "/ui/services");
        page.click("a[href='/ui/services/checkout']");
        page.waitForURL("**/ui/services/checkout");
        assertThat(page.textContent("main")).contains("Integrations", "••••••••0001").doesNotContain(CHECKOUT_KEY);

        // Maintenance: a window for two services through the form, listed, then cancelled.
        String reason = "Kernel upgrade " + unique("k");
        java.time.Instant start = clock.instant().plus(java.time.Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
                .withZone(java.time.ZoneOffset.UTC);
        page.navigate(base + "/ui/maintenance");
        page.click("text=Schedule maintenance");
        page.check("input[name=service][value=billing]");
        page.check("input[name=service][value=checkout]");
        page.fill("#start", local.format(start));
        page.fill("#end", local.format(start.minus(java.time.Duration.ofHours(1))));
        page.click("button:has-text('Schedule')");
        assertThat(page.textContent("#end-error")).contains("must be after start");
        assertThat(page.textContent("#reason-error")).contains("required");
        assertThat(page.isChecked("input[name=service][value=billing]")).as("the form keeps what was chosen").isTrue();
        page.fill("#end", local.format(start.plus(java.time.Duration.ofHours(2))));
        page.fill("#reason", reason);
        page.click("button:has-text('Schedule')");
        page.waitForSelector("text=Scheduled maintenance for Checkout, Billing.");
        assertThat(api.get("/api/v1/maintenance-windows").body()).contains(reason);
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshot("maintenance")).setFullPage(true));
        int windows = page.locator("button:has-text('Cancel')").count();
        page.locator("button:has-text('Cancel')").first().click();
        page.waitForSelector("text=Cancelled maintenance window");
        assertThat(page.locator("button:has-text('Cancel')").count()).isEqualTo(windows - 1);

        // A monitor with checks over a quarter of an hour: its chart, its bars, and the page on a phone.
        LoopbackSink sink = TestReceivers.sink();
        String monitor = "checkout-api";
        assertThat(api.put("/api/v1/monitors/" + monitor, """
                {"service":"checkout","type":"http","url":"%s/%s","timeout":"1500ms"}""".formatted(sink.baseUrl(),
                monitor)).status()).isEqualTo(201);
        MonitorTestSupport.housekeeping(monitors);
        long[] delays = {20, 25, 30, 22, 60, 140, 180, 90, 45, 30, 28, 24, 26, 35, 30};
        for (long delay : delays) {
            sink.answer("/" + monitor, LoopbackSink.Answer.slow(delay));
            api.post("/api/v1/monitors/" + monitor + "/check", null);
            sink.answer("/" + monitor, LoopbackSink.Answer.slow(delay / 2));
            api.post("/api/v1/monitors/" + monitor + "/check", null);
            clock.advance(java.time.Duration.ofMinutes(1));
            MonitorTestSupport.housekeeping(monitors);
        }
        page.navigate(base + "/ui/monitors");
        page.click("a[href='/ui/monitors/" + monitor + "']");
        page.waitForURL("**/ui/monitors/" + monitor);
        assertThat(page.locator("figure.chart svg circle").count()).isGreaterThanOrEqualTo(2 * 10);
        assertThat(page.textContent("figure.chart svg title")).contains("Latency of " + monitor);
        page.screenshot(new Page.ScreenshotOptions().setPath(screenshot("monitor")).setFullPage(true));

        Page phone = browser.newPage(new Browser.NewPageOptions().setViewportSize(390, 844));
        phone.navigate(base + "/ui/services");
        phone.fill("#username", "ana");
        phone.fill("#password", "test-password-ana");
        phone.click("button[type=submit]");
        phone.waitForURL("**/ui/services*");
        for (String path : List.of("/ui/services", "/ui/services/checkout", "/ui/maintenance", "/ui/monitors/" + monitor,
                "/ui/escalation-policies")) {
            phone.navigate(base + path);
            assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling on a phone: " + path)
                    .isLessThanOrEqualTo(390);
        }
        assertThat(refused).as("what the Content-Security-Policy refused in our own pages").isEmpty();
    }

    private static Path screenshot(String name) {
        return SCREENSHOTS.resolve(name + ".png");
    }

    @Test
    void aPageOnAnotherOriginSendsAnEventWithFetch() {
        // localhost and 127.0.0.1 are different origins: the browser sends a CORS preflight before this POST. The status
        // page stands in for another site's page, so its own policy (connect only to itself) is set aside.
        Page page = browser.newPage(new Browser.NewPageOptions().setBypassCSP(true));
        page.navigate("http://localhost:" + port + "/status");
        String dedupKey = unique("from-a-page");
        String answer = (String) page.evaluate("""
                async ([url, body]) => {
                  const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
                  return r.status + ' ' + (await r.json()).dedup_key;
                }""", List.of("http://127.0.0.1:" + port + "/v2/enqueue",
                trigger(CHECKOUT_KEY, dedupKey, "Sent from a browser page", "warning")));
        page.close();

        assertThat(answer).isEqualTo("202 " + dedupKey);
        assertThat(alerts(dedupKey).findValuesAsString("summary"))
                .containsExactly("Sent from a browser page");
    }
}
