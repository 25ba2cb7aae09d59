package dev.tocsin.web;

import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;

import static dev.tocsin.web.SignedInBrowser.csrf;
import static dev.tocsin.web.SignedInBrowser.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a refused form gives back (the reason, and every word that was typed, even on a page whose form has gone),
 * and what signing out does to another tab's live stream.
 */
class UiRefusalsTest extends ApiTest {

    private long incident(String title) {
        return api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
    }

    /**
     * A refusal that comes back through a redirect (the flash) is gone when live.js fetches the page again: the
     * page must pause live refreshes as the maintenance page does, or the reason and what was typed vanish.
     */
    @Test
    void aRefusedFormPausesLiveRefreshes() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String dashboard = browser.get("/dashboard").body();
        assertThat(dashboard).doesNotContain("data-live=\"paused\"");
        browser.post("/incidents", "title=&service=checkout&severity=P1&description=" + enc("typed words")
                + "&_csrf=" + csrf(dashboard));
        assertThat(browser.get("/dashboard").body()).contains("typed words", "<main data-live=\"paused\">");

        long id = incident("Impact refused");
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).doesNotContain("data-live=\"paused\"");
        browser.post("/incidents/" + id + "/impact", "users_affected=many&_csrf=" + csrf(page));
        assertThat(browser.get("/incidents/" + id).body()).contains("value=\"many\"", "<main data-live=\"paused\">");
    }

    /** A refused status update, note or resolution comes back with the words typed, not an empty box. */
    @Test
    void aRefusedStatusUpdateOrNoteKeepsWhatWasTyped() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        long id = incident("Long words");
        String token = csrf(browser.get("/incidents/" + id).body());
        String words = "Stack trace follows " + "x".repeat(10_000);
        browser.post("/incidents/" + id + "/updates", "message=" + enc(words) + "&status=monitoring&_csrf=" + token);
        String refused = browser.get("/incidents/" + id).body();
        assertThat(refused).contains("at most 10000 characters", words + "</textarea>");
        assertThat(refused).contains("<option value=\"monitoring\" selected=\"selected\">");

        browser.post("/incidents/" + id + "/notes", "text=" + enc(words) + "&_csrf=" + token);
        refused = browser.get("/incidents/" + id).body();
        assertThat(refused).contains("at most 10000 characters", words + "</textarea>");
    }

    /**
     * Someone else resolves the incident while a responder writes an update that moves it to monitoring: the update
     * is refused, and the page must say so (the composer is no longer shown, so its error line is not either).
     */
    @Test
    void anUpdateRefusedBecauseTheIncidentWasResolvedMeanwhileSaysSo() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        long id = incident("Resolved meanwhile");
        String token = csrf(browser.get("/incidents/" + id).body());
        api.post("/api/v1/incidents/" + id + "/resolve", "{}");
        browser.post("/incidents/" + id + "/updates", "message=" + enc("Rolled back the deploy") + "&status=monitoring&_csrf=" + token);
        String page = browser.get("/incidents/" + id).body();
        assertThat(page).contains("cannot move to monitoring", "Rolled back the deploy");
    }

    /** Signing out in one tab ends the live stream another tab holds: a signed-out browser hears nothing more. */
    @Test
    void signingOutEndsTheLiveStream() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        HttpResponse<Stream<String>> stream = browser.lines("/ui/events");
        assertThat(stream.statusCode()).isEqualTo(200);
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).isEqualTo("event:hello");
        CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
            StringBuilder all = new StringBuilder();
            while (lines.hasNext()) {
                all.append(lines.next()).append('\n');
            }
            return all.toString();
        });
        String token = csrf(browser.get("/dashboard").body());
        assertThat(browser.post("/logout", "_csrf=" + token).statusCode()).isEqualTo(302);
        long id = incident("Heard after sign-out");
        try {
            String after = heard.get(10, TimeUnit.SECONDS);
            assertThat(after).as("the stream ended without telling the signed-out browser")
                    .doesNotContain("\"id\":" + id);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
            throw new AssertionError("the stream of a signed-out browser is still open", stillOpen);
        } finally {
            stream.body().close();
        }
    }

    /** A form sent after its session ended (its CSRF token with it) lands on the sign-in page, which says why. */
    @Test
    void aFormSentAfterTheSessionEndedSaysSoOnTheSignInPage() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String token = csrf(browser.get("/dashboard").body());
        SignedInBrowser later = new SignedInBrowser(port); // the session cookie gone, as after a restart or a timeout
        HttpResponse<String> sent = later.post("/incidents", "title=" + enc("Lost words") + "&service=checkout&severity=P1"
                + "&_csrf=" + token);
        assertThat(sent.statusCode()).isEqualTo(302);
        assertThat(sent.headers().firstValue("Location").orElseThrow()).endsWith("/login?expired");
        assertThat(later.get("/login?expired").body()).contains("Your session had ended");
    }

    /** Two people press Acknowledge: the second's button has gone when the page comes back, so the page says why. */
    @Test
    void anAcknowledgementSomeoneElseMadeFirstIsSaid() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        long id = incident("Acknowledged meanwhile");
        String token = csrf(browser.get("/incidents/" + id).body());
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        browser.post("/incidents/" + id + "/acknowledge", "_csrf=" + token);
        assertThat(browser.get("/incidents/" + id).body()).contains("Not done: incident " + id + " is acknowledged");
    }

    /**
     * Two people press Escalate on the same page: the page sends the level it showed, so the second press is refused
     * with where the escalation stands, and pages nobody.
     */
    @Test
    void anEscalationSomeoneElseMadeFirstIsSaidAndPagesNobodyMore() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        long id = api.post("/api/v1/incidents", "{\"title\":\"Escalated meanwhile\",\"service\":\"payments\","
                + "\"severity\":\"P1\"}").json().get("id").asLong();
        String page = browser.get("/incidents/" + id).body();
        Matcher shown = Pattern.compile("name=\"from_level\" value=\"(\\d+)\"").matcher(page);
        assertThat(shown.find()).as("the Escalate form carries the level it shows").isTrue();
        assertThat(shown.group(1)).isEqualTo("1");
        assertThat(page).contains("level 1 paged");

        assertThat(api.post("/api/v1/incidents/" + id + "/escalate", "{\"from_level\":1}").status()).isEqualTo(200);
        browser.post("/incidents/" + id + "/escalate", "from_level=" + shown.group(1) + "&_csrf=" + csrf(page));
        assertThat(browser.get("/incidents/" + id).body())
                .contains("is at level 2 of policy", "not level 1: it was escalated meanwhile; nothing was changed");
        assertThat(api.get("/api/v1/incidents/" + id + "/escalation").json().get("current_level").asInt())
                .as("the second press paged nobody").isEqualTo(2);
    }
}
