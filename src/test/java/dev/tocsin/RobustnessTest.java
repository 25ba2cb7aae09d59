package dev.tocsin;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        List<String> paths = List.of("/v2/enqueue", "/v2/change/enqueue",
                "/api/v1/integrations/alertmanager/" + CHECKOUT_KEY, "/api/v1/integrations/generic/" + CHECKOUT_KEY,
                "/api/v1/incidents", "/api/v1/incidents/" + incident + "/status", "/api/v1/incidents/" + incident + "/notes",
                "/api/v1/incidents/" + incident + "/updates", "/api/v1/incidents/" + incident + "/resolve",
                "/api/v1/api-keys");
        List<String> putPaths = List.of("/api/v1/incidents/" + incident + "/roles/technical_lead",
                "/api/v1/incidents/" + incident + "/impact", "/api/v1/incidents/" + incident + "/severity");
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

    private static void check(List<String> failures, String method, String path, String body, Http.Response r) {
        if (r.status() >= 500) {
            failures.add(method + " " + path + " with " + abbreviate(body) + " → " + r.status() + " " + abbreviate(r.body()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
