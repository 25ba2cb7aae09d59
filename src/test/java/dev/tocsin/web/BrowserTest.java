package dev.tocsin.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.tocsin.ApiTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The UI in a real headless browser: Debian's chromium, driven by Playwright. Signs in, acknowledges from the
 * dashboard, posts a status update, and reads it on the public status page, where the internal note is not. Takes
 * the README's screenshots into docs/screenshots/. Without /usr/bin/chromium the test is skipped, unless
 * TOCSIN_REQUIRE_BROWSER is set (as .ci/run does), where it fails instead.
 */
@TestPropertySource(properties = "tocsin.browser-test=own-context") // a fresh database: screenshots show only this test
class BrowserTest extends ApiTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static Playwright playwright;
    private static Browser browser;

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
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/dashboard.png")).setFullPage(true));

        page.click("button[aria-label='Acknowledge incident " + id + "']");
        page.waitForURL("**/incidents/" + id + "*");
        assertThat(api.get("/api/v1/incidents/" + id).json().get("status").asString()).isEqualTo("acknowledged");

        page.fill("#message", "A fix is deployed and error rates are falling " + token);
        page.selectOption("#status", "monitoring");
        page.click("text=Post update");
        page.waitForURL("**/incidents/" + id + "*");
        assertThat(page.textContent(".timeline")).contains("A fix is deployed and error rates are falling " + token,
                "Internal: suspect the cache node");
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/incident.png")).setFullPage(true));

        Page status = browser.newPage(new Browser.NewPageOptions().setViewportSize(1000, 900));
        status.onDialog(dialog -> {
            throw new AssertionError("a script ran in the status page: " + dialog.message());
        });
        status.navigate(base + "/status");
        String text = status.textContent("body");
        assertThat(text).contains("A fix is deployed and error rates are falling " + token)
                .contains("<script>alert('pwned')</script> Checkout errors " + token)
                .doesNotContain("Internal: suspect the cache node");
        status.screenshot(new Page.ScreenshotOptions().setPath(Path.of("docs/screenshots/status.png")).setFullPage(false));

        Page phone = browser.newPage(new Browser.NewPageOptions().setViewportSize(390, 844));
        phone.navigate(base + "/status");
        assertThat((Integer) phone.evaluate("document.documentElement.scrollWidth")).as("no sideways scrolling on a phone")
                .isLessThanOrEqualTo(390);
    }
}
