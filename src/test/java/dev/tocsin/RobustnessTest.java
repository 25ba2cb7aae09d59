package dev.tocsin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a client sends to whichever write endpoint, the answer is never a 5xx. */
class RobustnessTest extends ApiTest {

    private static final List<String> BODIES = List.of("", "null", "[]", "{}", "\"text\"", "123", "true", "{\"a\":",
            "{\"title\":null,\"service\":null,\"severity\":null,\"status\":null,\"user\":null,\"message\":null}",
            "{\"title\":1e400,\"users_affected\":1e400,\"routing_key\":[],\"event_action\":{}}",
            "{\"users_affected\":99999999999999999999999,\"services_affected\":\"checkout\"}",
            "{\"services_affected\":[null,1,{}],\"data_loss\":[]}",
            "{\"alerts\":[null,1,\"x\",[]],\"version\":{}}",
            "{\"routing_key\":\"" + CHECKOUT_KEY + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\","
                    + "\"severity\":\"info\",\"custom_details\":" + "[".repeat(2000) + "]".repeat(2000) + "}}",
            "[".repeat(5000),
            "{\"summary\":\"\\ud800\",\"title\":\"\\udfff\",\"text\":\"\\u0000\"}",
            "{\"title\":\"" + "t".repeat(5000) + "\",\"service\":\"checkout\"}");

    @Test
    void noBodyProducesAServerError() {
        long incident = api.post("/api/v1/incidents", "{\"title\":\"robustness\",\"service\":\"checkout\"}").json().get("id").asLong();
        List<String> paths = List.of("/v2/enqueue", "/v2/change/enqueue", "/generic/2010-04-15/create_event.json",
                "/api/v1/integrations/alertmanager/" + CHECKOUT_KEY, "/api/v1/integrations/generic/" + CHECKOUT_KEY,
                "/api/v1/incidents", "/api/v1/incidents/" + incident + "/status", "/api/v1/incidents/" + incident + "/notes",
                "/api/v1/incidents/" + incident + "/updates", "/api/v1/incidents/" + incident + "/resolve",
                "/api/v1/incidents/" + incident + "/escalate", "/api/v1/api-keys");
        List<String> putPaths = List.of("/api/v1/incidents/" + incident + "/roles/technical_lead",
                "/api/v1/incidents/" + incident + "/impact", "/api/v1/incidents/" + incident + "/severity",
                "/api/v1/incidents/" + incident + "/public-title");
        List<String> failures = new ArrayList<>();
        for (String body : BODIES) {
            for (String path : paths) {
                check(failures, "POST", path, body, api.post(path, body));
            }
            for (String path : putPaths) {
                check(failures, "PUT", path, body, api.put(path, body));
            }
        }
        byte[] invalidUtf8 = {'{', '"', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        for (String path : paths) {
            check(failures, "POST", path, "invalid UTF-8", api.send(api.request(path)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8))));
            check(failures, "POST", path, "XML", api.send(api.request(path)
                    .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString("<a/>", StandardCharsets.UTF_8))));
        }
        assertThat(failures).isEmpty();
    }

    /**
     * Valid bodies for every write endpoint, each varied a hundred ways by {@link JsonMutants} (fixed seeds, so a failure
     * replays): none may answer 5xx, every refusal says why, and the ledger still verifies afterwards.
     */
    @Test
    void variationsOfValidBodiesAreAnsweredWithoutAServerError() {
        String links = "\"links\":[{\"href\":\"https://example.com/graph\",\"text\":\"Graph\"}]";
        Map<String, String> seeds = new LinkedHashMap<>();
        seeds.put("POST /v2/enqueue", """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"fuzz-1","client":"Prometheus",
                 "client_url":"https://prom.example.com","payload":{"summary":"Disk full on db-1","source":"db-1",
                 "severity":"critical","timestamp":"2026-03-01T09:59:00Z","component":"postgres","group":"db",
                 "class":"disk","custom_details":{"free":"1%%","mounts":["/","/var"],"n":3}},%s,
                 "images":[{"src":"https://example.com/i.png","href":"https://example.com","alt":"chart"}]}"""
                .formatted(CHECKOUT_KEY, links));
        seeds.put("POST /v2/enqueue ", "{\"routing_key\":\"" + CHECKOUT_KEY + "\",\"event_action\":\"resolve\",\"dedup_key\":\"fuzz-1\"}");
        seeds.put("POST /generic/2010-04-15/create_event.json", """
                {"service_key":"%s","incident_key":"srv01/HTTP","event_type":"trigger","description":"HTTP down on srv01",
                 "client":"Nagios","client_url":"https://nagios.example.com","details":{"ping time":"1500ms","load avg":0.75},
                 "contexts":[{"type":"link","href":"https://example.com","text":"Graph"},
                             {"type":"image","src":"https://example.com/c.png","href":"https://example.com","alt":"chart"}]}"""
                .formatted(CHECKOUT_KEY));
        seeds.put("POST /v2/change/enqueue", """
                {"routing_key":"%s","payload":{"summary":"Deploy 1.2.3","source":"ci","timestamp":"2026-03-01T09:00:00Z",
                 "custom_details":{"sha":"abc"}},%s}""".formatted(CHECKOUT_KEY, links));
        seeds.put("POST /api/v1/integrations/alertmanager/" + CHECKOUT_KEY, """
                {"version":"4","groupKey":"{}:{alertname=\\"NodeDown\\"}","status":"firing","receiver":"tocsin",
                 "groupLabels":{"alertname":"NodeDown"},"commonLabels":{"alertname":"NodeDown"},"commonAnnotations":{},
                 "externalURL":"http://127.0.0.1:9093","truncatedAlerts":0,"alerts":[
                 {"status":"firing","labels":{"alertname":"NodeDown","instance":"web-1","severity":"warning"},
                  "annotations":{"summary":"web-1 is down"},"startsAt":"2026-03-01T09:59:00Z","endsAt":"0001-01-01T00:00:00Z",
                  "generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"fuzz-a"},
                 {"status":"resolved","labels":{"alertname":"NodeDown","instance":"web-2"},"annotations":{},
                  "startsAt":"2026-03-01T09:50:00Z","endsAt":"2026-03-01T09:58:00Z","fingerprint":"fuzz-b"}]}""");
        seeds.put("POST /api/v1/integrations/generic/" + CHECKOUT_KEY,
                "{\"summary\":\"Backup failed\",\"details\":\"exit 2\",\"dedup\":\"backup\",\"action\":\"trigger\"}");
        seeds.put("POST /api/v1/incidents", """
                {"title":"Checkout down","service":"checkout","severity":"P1","description":"502s",
                 "impact":{"users_affected":10,"services_affected":["checkout"],"data_loss":false,"financial_impact":"$1k"},
                 "roles":{"incident_commander":"ana","technical_lead":"bo"}}""");
        seeds.put("POST /api/v1/incidents/{id}/status", "{\"status\":\"investigating\",\"message\":\"looking\"}");
        seeds.put("POST /api/v1/incidents/{id}/snooze", "{\"duration\":\"30m\"}");
        seeds.put("POST /api/v1/incidents/{id}/escalate", "{\"from_level\":1}");
        seeds.put("PUT /api/v1/incidents/{id}/roles/technical_lead", "{\"user\":\"ana\"}");
        seeds.put("PUT /api/v1/incidents/{id}/impact", """
                {"users_affected":5,"services_affected":["checkout"],"data_loss":true,"financial_impact":"unknown"}""");
        seeds.put("PUT /api/v1/incidents/{id}/severity", "{\"severity\":\"P2\"}");
        seeds.put("POST /api/v1/incidents/{id}/notes", "{\"text\":\"checked the logs\"}");
        seeds.put("POST /api/v1/incidents/{id}/updates", "{\"message\":\"We are investigating\",\"status\":\"identified\"}");
        seeds.put("POST /api/v1/incidents/{id}/resolve", "{\"resolution\":\"rolled back\"}");
        seeds.put("POST /api/v1/api-keys", "{\"name\":\"fuzz\",\"scope\":\"read\",\"user\":\"ana\"}");
        seeds.put("PUT /api/v1/schedules/fuzz", """
                {"time_zone":"Europe/Berlin","layers":[{"name":"everyone","rotation":{"kind":"daily","users":["ana","bo"],
                 "start":"2026-01-01T09:00"}}],"overrides":[{"user":"bo","start":"2026-03-02T00:00:00Z",
                 "end":"2026-03-03T00:00:00Z"}]}""");
        seeds.put("PUT /api/v1/monitors/fuzz", """
                {"service":"monitored","type":"http","url":"http://127.0.0.1:9/health","interval":"30s","timeout":"1500ms",
                 "retries":1,"recover_after":2,"response_time":{"warning":"800ms","critical":"1200ms"},
                 "conditions":[{"expect":"$.status == \\"healthy\\""},{"when":"$.memory.percent > 85","level":"critical","for":"5m"}]}""");
        seeds.put("POST /api/v1/maintenance-windows", """
                {"service":"checkout","start":"2026-03-01T11:00:00Z","end":"2026-03-01T12:00:00Z","reason":"upgrade"}""");

        List<String> failures = new ArrayList<>();
        long seed = 0;
        long incident = 0;
        for (Map.Entry<String, String> entry : seeds.entrySet()) {
            String method = entry.getKey().strip().substring(0, entry.getKey().indexOf(' '));
            String template = entry.getKey().strip().substring(method.length() + 1);
            assertThat(Http.parse(entry.getValue())).as(entry.getKey()).isNotNull();
            JsonMutants mutants = new JsonMutants(++seed);
            for (int i = 0; i < 100; i++) {
                if (i % 25 == 0) {
                    incident = api.post("/api/v1/incidents", "{\"title\":\"fuzzed\",\"service\":\"checkout\"}")
                            .json().get("id").asLong();
                }
                String path = template.replace("{id}", Long.toString(incident));
                String body = mutants.of(entry.getValue());
                Http.Response r = method.equals("PUT") ? api.put(path, body) : api.post(path, body);
                check(failures, method, path, "seed " + seed + " #" + i + ": " + body, r);
            }
        }
        assertThat(failures).isEmpty();
        Http.Response verify = api.get("/api/v1/audit/verify");
        assertThat(verify.json().get("ok").asBoolean()).as(verify.body()).isTrue();
    }

    /**
     * Every query parameter of every read endpoint, given values of the wrong type, out of range, empty or twice: none
     * may answer 5xx, and every refusal says why.
     */
    @Test
    void oddQueryParametersAreAnsweredWithoutAServerError() {
        long incident = api.post("/api/v1/incidents", "{\"title\":\"queried\",\"service\":\"checkout\"}").json().get("id").asLong();
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        parameters.put("/api/v1/incidents", List.of("status", "service", "severity", "since", "until", "before", "limit"));
        parameters.put("/api/v1/incidents/" + incident + "/timeline", List.of("after", "limit"));
        parameters.put("/api/v1/alerts", List.of("service", "status", "dedup_key", "incident", "before", "limit"));
        parameters.put("/api/v1/changes", List.of("service", "since", "limit"));
        parameters.put("/api/v1/audit/events", List.of("after", "limit"));
        parameters.put("/api/v1/oncall", List.of("at"));
        parameters.put("/api/v1/escalation-policies", List.of("at"));
        parameters.put("/api/v1/schedules/primary/shifts", List.of("from", "to"));
        parameters.put("/api/v1/monitors", List.of("service", "level"));
        parameters.put("/api/v1/monitors/deep-health/results", List.of("since", "events"));
        parameters.put("/api/v1/outbox", List.of("incident", "status", "before", "limit"));
        parameters.put("/api/v1/incidents/" + incident + "/messages/preview", List.of("kind", "channel", "format", "message"));
        List<String> values = List.of("", " ", "-1", "0", "1.5", "2147483648", "-9223372036854775808",
                "99999999999999999999", "abc", "null", "true", "2026-13-45T00:00:00Z", "2026-03-01", "9999-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z", "1e9", "💥", "' OR 1=1 --", "a".repeat(5000), "{{7*7}}", "<b>x</b>");
        List<String> failures = new ArrayList<>();
        parameters.forEach((path, names) -> {
            for (String name : names) {
                for (String value : values) {
                    String query = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
                    String url = path + "?" + query;
                    check(failures, "GET", url, "", api.get(url));
                }
                String twice = path + "?" + name + "=1&" + name + "=2";
                check(failures, "GET", twice, "", api.get(twice));
            }
        });
        for (String url : List.of("/api/v1/incidents/abc", "/api/v1/incidents/99999999999999999999",
                "/api/v1/incidents/-1/timeline", "/api/v1/alerts/1.5", "/api/v1/schedules/%F0%9F%92%A5/shifts",
                "/api/v1/schedules/primary/shifts.ics?from=x", "/api/v1/users/nobody/shifts.ics",
                "/api/v1/escalation-policies/nope?at=2026-03-01T10:00:00Z", "/api/v1/incidents/0/escalation",
                "/api/v1/monitors/nope/results?since=1h", "/status/summary.json?x=%E2%80%AE")) {
            check(failures, "GET", url, "", api.get(url));
        }
        assertThat(failures).isEmpty();
    }

    /**
     * An Accept header naming a type an endpoint does not write, or one that cannot be parsed: a 406 naming the header,
     * not a 500 (and a stack trace in the log) that anybody could repeat against the public pages.
     */
    @Test
    void anAcceptHeaderNoEndpointAnswersIsA406NamingTheHeader() {
        List<String> failures = new ArrayList<>();
        for (String path : List.of("/status", "/status/feed.rss", "/status/summary.json", "/api/v1/incidents",
                "/api/v1/schedules/primary/shifts.ics", "/health")) {
            for (String accept : List.of("application/x-unknown", "text/event-stream", "application/json,,,;;;", "*/*;q=abc")) {
                Http.Response r = api.send(api.request(path).header("Accept", accept).GET());
                if (r.status() >= 500) {
                    check(failures, "GET", path + " (Accept: " + accept + ")", "", r);
                } else if (r.status() == 406 && !r.body().contains("\"field\":\"Accept\"")) {
                    failures.add(path + " (Accept: " + accept + ") → 406 not naming the header: " + abbreviate(r.body()));
                }
            }
        }
        assertThat(failures).isEmpty();
        Http.Response html = anonymous.send(anonymous.request("/status").header("Accept", "application/json").GET());
        assertThat(html.status()).isEqualTo(406);
        assertThat(html.json().get("errors").get(0).get("field").asString()).isEqualTo("Accept");
    }

    /**
     * PostgreSQL refuses a NUL character in text, so text that reached it unchecked was a 500 there and stored on H2. It is
     * refused before either sees it, in a JSON body, a query string or a form. So is an unpaired surrogate, which
     * PostgreSQL stored as '?' ({@link #anUnpairedSurrogateIsA400NamingTheField}).
     */
    @Test
    void aNulCharacterInTextIsA400NamingTheField() {
        long incident = api.post("/api/v1/incidents", "{\"title\":\"nul\",\"service\":\"checkout\"}").json().get("id").asLong();
        Map<String, String> bodies = Map.of(
                "/api/v1/incidents", "{\"title\":\"a\\u0000b\",\"service\":\"checkout\"}",
                "/api/v1/incidents/" + incident + "/notes", "{\"text\":\"a\\u0000b\"}",
                "/api/v1/incidents/" + incident + "/updates", "{\"message\":\"a\\u0000b\"}",
                "/api/v1/incidents/" + incident + "/status", "{\"status\":\"investigating\",\"message\":\"\\u0000\"}",
                "/api/v1/incidents/" + incident + "/resolve", "{\"resolution\":\"a\\u0000b\"}",
                "/api/v1/maintenance-windows", "{\"service\":\"checkout\",\"start\":\"2026-03-01T11:00:00Z\","
                        + "\"end\":\"2026-03-01T12:00:00Z\",\"reason\":\"a\\u0000b\"}");
        Map<String, String> answers = new TreeMap<>();
        bodies.forEach((path, body) -> {
            Http.Response r = api.post(path, body);
            answers.put(path, r.status() + " " + (r.body().contains("NUL character") ? "names it" : r.body()));
        });
        assertThat(answers).allSatisfy((path, answer) -> assertThat(answer).as(path).isEqualTo("400 names it"));
        Http.Response impact = api.put("/api/v1/incidents/" + incident + "/impact", "{\"financial_impact\":\"\\u0000\"}");
        assertThat(impact.status()).as(impact.body()).isEqualTo(400);
        Http.Response query = api.get("/api/v1/incidents?service=check%00out");
        assertThat(query.status()).as(query.body()).isEqualTo(400);
        assertThat(query.body()).contains("query parameter 'service' contains a NUL character");
        assertThat(api.get("/api/v1/incidents/" + incident + "/timeline").json().findValuesAsString("kind"))
                .containsExactly("incident.declared");
    }

    /**
     * Spring Security's firewall refuses a form field whose name holds a control character when the fields are first
     * read, which is in a controller: Spring reads them all to hand a body sent with a form's Content-Type to an
     * endpoint that takes JSON. Its exception answered 500 there.
     */
    @Test
    void aFormFieldTheFirewallRefusesIsA400WithItsReason() {
        for (String path : List.of("/api/v1/incidents", "/api/v1/maintenance-windows")) {
            for (String form : List.of("a%00b=1", "x".repeat(5_000) + "%00=1", "{\"title\":\"t\"}&a%0Db=2")) {
                Http.Response r = api.postForm(path, form);
                assertThat(r.status()).as(path + " " + form.substring(0, Math.min(40, form.length()))).isEqualTo(400);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.json().get("detail").asString()).contains("rejected").hasSizeLessThanOrEqualTo(300);
            }
        }
    }

    /** JSON can escape half of a UTF-16 pair; an emoji, both halves, is text like any other. */
    @Test
    void anUnpairedSurrogateIsA400NamingTheField() {
        Http.Response lone = api.post("/api/v1/incidents", "{\"title\":\"disk \\ud83d full\",\"service\":\"checkout\"}");
        assertThat(lone.status()).as(lone.body()).isEqualTo(400);
        assertThat(lone.body()).contains("title").contains("contains an unpaired surrogate (U+D83D at character 6)");
        Http.Response pair = api.post("/api/v1/incidents", "{\"title\":\"disk \\ud83d\\udd25 full\",\"service\":\"checkout\"}");
        assertThat(pair.status()).as(pair.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/incidents/" + pair.json().get("id").asLong()).json().get("title").asString())
                .isEqualTo("disk \uD83D\uDD25 full");
    }

    /**
     * Times far outside what PostgreSQL's timestamps hold (4713 BC to 294276 AD) failed the statement there, as a 500, and
     * were stored on H2. They are refused, as 400s, on both.
     */
    @Test
    void aTimeOutsideTheStoredRangeIsA400() {
        for (String time : List.of("+300000-01-01T00:00:00Z", "-300000-01-01T00:00:00Z")) {
            Map<String, Http.Response> answers = new TreeMap<>();
            answers.put("change event", api.post("/v2/change/enqueue", "{\"routing_key\":\"" + CHECKOUT_KEY
                    + "\",\"payload\":{\"summary\":\"deploy\",\"source\":\"ci\",\"timestamp\":\"" + time + "\"}}"));
            answers.put("trigger", api.post("/v2/enqueue", "{\"routing_key\":\"" + CHECKOUT_KEY
                    + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\","
                    + "\"timestamp\":\"" + time + "\"}}"));
            answers.put("maintenance window", api.post("/api/v1/maintenance-windows",
                    "{\"service\":\"checkout\",\"start\":\"2026-03-01T11:00:00Z\",\"end\":\"" + time + "\",\"reason\":\"r\"}"));
            String encoded = time.replace("+", "%2B");
            for (String path : List.of("/api/v1/incidents?since=" + encoded, "/api/v1/incidents?until=" + encoded,
                    "/api/v1/changes?service=checkout&since=" + encoded, "/api/v1/oncall?at=" + encoded,
                    "/api/v1/escalation-policies?at=" + encoded, "/api/v1/monitors/deep-health/results?since=" + encoded)) {
                answers.put(path, api.get(path));
            }
            assertThat(answers).as(time).allSatisfy((what, r) -> {
                assertThat(r.status()).as(what + " " + r.body()).isEqualTo(400);
                assertThat(r.body()).as(what).contains("between years 0001 and 9999");
            });
        }
    }

    /**
     * Tomcat decodes parameters when they are first read and throws there: a stray '%' in a query string answered 500
     * from any endpoint that reads one, and from the sign-in page, whose template reads {@code param.error}.
     */
    @Test
    void malformedPercentEncodingIsA400NamingTheParameter() throws IOException {
        for (String path : List.of("/api/v1/incidents?status=%ZZ", "/api/v1/alerts?limit=5&service=%E2%82",
                "/login?error=%", "/api/v1/incidents?%ZZ=1")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Http.ADMIN_KEY
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("application/problem+json")
                    .containsPattern("query parameter '(status|service|error|%ZZ)' is not valid percent-encoded UTF-8");
        }
        String form = "summary=%ZZ&action=trigger";
        String answer = raw("POST /api/v1/integrations/generic/" + CHECKOUT_KEY + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                + "\r\nConnection: close\r\n\r\n" + form);
        assertThat(answer).startsWith("HTTP/1.1 400").contains("summary: not valid percent-encoded UTF-8");
        assertThat(api.get("/api/v1/incidents?status=triggered&service=check%6Fut").status()).isEqualTo(200);
    }

    /**
     * Paths refused before Tocsin's code runs, by Tomcat (a NUL, an encoded slash, bad escapes or UTF-8) or by Spring
     * Security's firewall ({@code ;}, {@code //}, {@code ..}), answer in the API's problem format with the reason,
     * not an HTML page or Spring Boot's error JSON.
     */
    @Test
    void aPathRefusedBeforeTheApplicationIsAProblemWithItsReason() throws IOException {
        Map<String, String> reasons = new TreeMap<>(Map.of(
                "/api/v1/incidents/%00", "a path must be percent-encoded UTF-8, with no NUL character and no encoded slash",
                "/api/v1/incidents/%ZZ", "The hexadecimal encoding is invalid",
                "/api/v1/inc%2Fidents", "The encoded slash character is not allowed",
                "/api/v1/incidents/%C0%AF", "a path must be percent-encoded UTF-8",
                "/dashboard/%00", "a path must be percent-encoded UTF-8",
                "/api/v1/incidents;x=1", "potentially malicious String \\\";\\\"",
                "/api/v1/incidents//1", "potentially malicious String \\\"//\\\"",
                "/api/v1/../../etc/passwd", "the URL was not normalized"));
        for (Map.Entry<String, String> path : reasons.entrySet()) {
            String answer = raw("GET " + path.getKey() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + Http.ADMIN_KEY + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path.getKey()).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json")
                    .contains("\"title\":\"Invalid request\"", path.getValue()).doesNotContain("<html");
        }
        String overTheHeaderLimit = raw("GET /api/v1/incidents HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
        assertThat(overTheHeaderLimit).startsWith("HTTP/1.1 400").contains("application/problem+json", "within the size limit");
    }

    /** A request sent as written: java.net.http refuses to send a URI with a malformed escape. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void check(List<String> failures, String method, String path, String body, Http.Response r) {
        if (r.status() >= 500) {
            failures.add(method + " " + abbreviate(path) + " with " + abbreviate(body) + " → " + r.status() + " "
                    + abbreviate(r.body()));
        } else if (r.status() >= 400 && r.body().isBlank()) {
            failures.add(method + " " + abbreviate(path) + " with " + abbreviate(body) + " → " + r.status() + " without a reason");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
