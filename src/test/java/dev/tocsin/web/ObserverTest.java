package dev.tocsin.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import dev.tocsin.auth.AcknowledgeLinks;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static dev.tocsin.web.SignedInBrowser.csrf;
import static dev.tocsin.web.SignedInBrowser.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An observer (vic in the test configuration) signs in and reads every page, and changes nothing: every form is
 * refused on the server whatever the page shows, and the pages do not offer them. A responder (ana) acts as before.
 */
class ObserverTest extends ApiTest {

    /** Where a request is not the signed-in UI's: API keys, intake, signed acknowledge links, sign-in, Spring's errors. */
    private static final List<String> NOT_THE_UI = List.of("/api/", "/v2/", "/ack/", "/login", "/error");
    private static final Set<RequestMethod> READING = Set.of(RequestMethod.GET, RequestMethod.HEAD,
            RequestMethod.OPTIONS, RequestMethod.TRACE);
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{[^}]+}");
    private static final Pattern POST_FORM = Pattern.compile("<form[^>]*method=\"post\"[^>]*>");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Autowired
    private AcknowledgeLinks acknowledgeLinks;

    private long triggered(String title) {
        return api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong();
    }

    private long upcomingWindow() {
        Instant now = clock.instant();
        Http.Response created = api.post("/api/v1/maintenance-windows", """
                {"service":"checkout","start":"%s","end":"%s","reason":"observer test"}"""
                .formatted(now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(2).plusHours(1))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().findValue("id").asLong();
    }

    private long timelineEntries() {
        return api.get("/api/v1/audit/verify").json().get("entries").asLong();
    }

    /**
     * Every non-reading handler mapping of the application, found in Spring's own table, so that a form added later
     * is covered without anyone adding it here: an observer sending it, with a valid CSRF token and fields that would
     * do something, gets the 403 page, and the timeline (where every change is written) gains nothing.
     */
    @Test
    void everyStateChangingUiRequestOfAnObserverIsRefusedAndChangesNothing() throws Exception {
        long incident = triggered("Observer presses everything");
        long window = upcomingWindow();
        SignedInBrowser vic = new SignedInBrowser(port).signIn("vic", "test-password-vic");
        String token = csrf(vic.get("/dashboard").body());
        String fields = "title=" + enc("Declared by an observer") + "&service=checkout&severity=P1&command=true"
                + "&role=incident_commander&user=ana&text=note&message=update&status=monitoring&resolution=done"
                + "&duration=1h&from_level=1&public_title=" + enc("Public") + "&users_affected=5&data_loss=yes"
                + "&start=" + enc(clock.instant().plus(Duration.ofDays(3)).toString())
                + "&end=" + enc(clock.instant().plus(Duration.ofDays(4)).toString()) + "&reason=x&_csrf=" + token;
        long before = timelineEntries();

        List<String> sent = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            Set<RequestMethod> declared = info.getMethodsCondition().getMethods();
            List<RequestMethod> changing = (declared.isEmpty() ? Set.of(RequestMethod.POST) : declared).stream()
                    .filter(m -> !READING.contains(m)).toList();
            for (String pattern : info.getPatternValues()) {
                if (NOT_THE_UI.stream().anyMatch(pattern::startsWith)) {
                    continue;
                }
                String id = pattern.startsWith("/incidents") ? Long.toString(incident)
                        : pattern.startsWith("/ui/maintenance") ? Long.toString(window)
                        : pattern.startsWith("/ui/monitors") ? "deep-health" : "1";
                String path = PATH_VARIABLE.matcher(pattern).replaceAll(id);
                for (RequestMethod method : changing) {
                    try {
                        HttpResponse<String> refused = vic.send(method.name(), path, fields);
                        assertThat(refused.statusCode()).as(method + " " + pattern).isEqualTo(403);
                        assertThat(refused.body()).as(method + " " + pattern)
                                .contains("signed in as <strong>Vic</strong>, an <strong>observer</strong>",
                                        "Nothing was changed.");
                    } catch (Exception e) {
                        throw new AssertionError(method + " " + pattern, e);
                    }
                    sent.add(method + " " + pattern);
                }
            }
        });

        assertThat(sent).as("the walk found the UI's forms").contains("POST /incidents", "POST /incidents/{id}/acknowledge",
                "POST /incidents/{id}/resolve", "POST /ui/monitors/{id}/pause", "POST /ui/maintenance",
                "POST /ui/maintenance/{id}/cancel");
        assertThat(timelineEntries()).as("nothing was changed").isEqualTo(before);
        assertThat(incident(incident).get("status").asString()).isEqualTo("triggered");
        // Signing out is not a change: an observer can still leave.
        HttpResponse<String> out = vic.post("/logout", "_csrf=" + token);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/login?signed-out");
    }

    /** The pages show an observer everything and offer no form but Sign out; the navigation says who and in what role. */
    @Test
    void anObserverReadsEveryPageWithoutItsFormsAndSeesWhoIsSignedIn() throws Exception {
        long incident = triggered("Observer reads");
        upcomingWindow();
        SignedInBrowser vic = new SignedInBrowser(port).signIn("vic", "test-password-vic");
        for (String page : List.of("/dashboard", "/incidents/" + incident, "/ui/incidents", "/ui/services",
                "/ui/services/checkout", "/ui/escalation-policies", "/ui/schedules", "/ui/monitors",
                "/ui/monitors/deep-health", "/ui/maintenance")) {
            HttpResponse<String> shown = vic.get(page);
            assertThat(shown.statusCode()).as(page).isEqualTo(200);
            assertThat(shown.body()).as(page).contains("title=\"Signed in\">Vic (observer)</li>");
            Matcher forms = POST_FORM.matcher(shown.body());
            List<String> found = new ArrayList<>();
            while (forms.find()) {
                found.add(forms.group());
            }
            assertThat(found).as(page + ": only Sign out").containsExactly("<form action=\"/logout\" method=\"post\">");
        }
        String page = vic.get("/incidents/" + incident).body();
        assertThat(page).contains("Observer reads", "The status page calls it:").doesNotContain("Acknowledge</button>");
        assertThat(vic.get("/ui/maintenance").body()).contains("observer test").doesNotContain("Schedule maintenance");
    }

    /** A responder's pages keep every control, and its presses still act, on the timeline as the responder. */
    @Test
    void aResponderStillActsFromThePages() throws Exception {
        long incident = triggered("Responder acts");
        SignedInBrowser ana = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        String page = ana.get("/incidents/" + incident).body();
        assertThat(page).contains("title=\"Signed in\">Ana (responder)</li>", "Acknowledge</button>", "Post update",
                "Add note", "Save public title", "Change severity");
        assertThat(page).as("observers hold no incident role, so the list does not offer one")
                .contains("<option value=\"ana\">").doesNotContain("<option value=\"vic\">");
        assertThat(ana.get("/dashboard").body()).contains("Declare an incident", "Acknowledge incident " + incident);
        assertThat(ana.get("/ui/monitors/deep-health").body())
                .containsAnyOf("Pause monitor deep-health", "Resume monitor deep-health");
        assertThat(ana.get("/ui/maintenance").body()).contains("Schedule maintenance");

        HttpResponse<String> pressed = ana.post("/incidents/" + incident + "/acknowledge", "_csrf=" + csrf(page));
        assertThat(pressed.statusCode()).isEqualTo(302);
        assertThat(incident(incident).get("status").asString()).isEqualTo("acknowledged");
        assertThat(api.get("/api/v1/incidents/" + incident + "/timeline").body()).contains("\"actor\":\"user:ana\"");
    }

    /**
     * No way round the pages puts an observer on the timeline or on call: not an incident role, not an API key that
     * changes things in their name, not a schedule made through the API.
     */
    @Test
    void anObserverHoldsNoRoleNoWritingKeyAndNoShift() {
        assertThat(api.get("/api/v1/users/vic").json().get("role").asString()).isEqualTo("observer");
        assertThat(api.get("/api/v1/users/ana").json().get("role").asString()).isEqualTo("responder");
        long incident = triggered("Observer named");
        Http.Response role = api.put("/api/v1/incidents/" + incident + "/roles/incident_commander", "{\"user\":\"vic\"}");
        assertThat(role.status()).as(role.body()).isEqualTo(400);
        assertThat(role.body()).contains("\"field\":\"user\"", "'vic' is an observer");

        Http.Response writing = api.post("/api/v1/api-keys", "{\"name\":\"" + unique("vic-writes") + "\",\"scope\":\"write\","
                + "\"user\":\"vic\"}");
        assertThat(writing.status()).as(writing.body()).isEqualTo(400);
        assertThat(writing.body()).contains("\"field\":\"scope\"", "an observer, who may only read");
        Http.Response reading = api.post("/api/v1/api-keys", "{\"name\":\"" + unique("vic-reads") + "\",\"scope\":\"read\","
                + "\"user\":\"vic\"}");
        assertThat(reading.status()).as(reading.body()).isEqualTo(201);

        Http.Response shift = api.put("/api/v1/schedules/" + unique("observed"), """
                {"time_zone":"Europe/Berlin","layers":[{"name":"everyone","rotation":{"kind":"daily",
                 "users":["ana","vic"],"start":"2026-01-01T00:00"}}]}""");
        assertThat(shift.status()).as(shift.body()).isEqualTo(400);
        assertThat(shift.body()).contains("layers[0].rotation.users[1]", "'vic' is an observer");
    }

    /**
     * A link signed for someone who has since become an observer (it lives a day; the file changed meanwhile) is not
     * valid: it would put the observer on the timeline as the one who acknowledged.
     */
    @Test
    void anAcknowledgeLinkOfSomeoneWhoIsNowAnObserverAcknowledgesNothing() {
        long incident = triggered("Link to an observer");
        String link = acknowledgeLinks.forUser(incident, "vic", clock.instant());
        Http.Response pressed = anonymous.post(link.substring(link.indexOf("/ack/")), null);
        assertThat(pressed.status()).as(pressed.body()).isEqualTo(410);
        assertThat(incident(incident).get("status").asString()).isEqualTo("triggered");
        String responders = acknowledgeLinks.forUser(incident, "ana", clock.instant());
        assertThat(anonymous.post(responders.substring(responders.indexOf("/ack/")), null).status()).isEqualTo(200);
        assertThat(incident(incident).get("status").asString()).isEqualTo("acknowledged");
    }
}
