package dev.tocsin.auth;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys and scopes: 401 without a valid key, 403 without the right scope. */
class AuthTest extends ApiTest {

    @Test
    void aMissingKeyIs401() {
        Http.Response r = anonymous.get("/api/v1/incidents");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.json().get("detail").asString()).contains("API key is required");
    }

    @Test
    void anUnknownKeyIs401() {
        assertThat(api.as("not-a-real-key").get("/api/v1/incidents").status()).isEqualTo(401);
        assertThat(api.as("").get("/api/v1/incidents").status()).isEqualTo(401);
    }

    @Test
    void pagerDutyStyleAndHeaderKeysWork() {
        Http.Response token = anonymous.send(anonymous.request("/api/v1/services")
                .header("Authorization", "Token token=" + Http.READ_KEY).GET());
        assertThat(token.status()).isEqualTo(200);
        Http.Response header = anonymous.send(anonymous.request("/api/v1/services").header("X-API-Key", Http.READ_KEY).GET());
        assertThat(header.status()).isEqualTo(200);
    }

    @Test
    void aReadKeyReadsButCannotWrite() {
        Http reader = api.as(Http.READ_KEY);
        assertThat(reader.get("/api/v1/incidents").status()).isEqualTo(200);
        Http.Response write = reader.post("/api/v1/incidents", "{\"title\":\"t\",\"service\":\"checkout\"}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.json().get("detail").asString()).contains("write scope needed");
    }

    @Test
    void onlyAdminKeysManageKeys() {
        assertThat(api.as(Http.WRITE_KEY).get("/api/v1/api-keys").status()).isEqualTo(403);
        assertThat(api.as(Http.WRITE_KEY).post("/api/v1/api-keys", "{\"name\":\"x\",\"scope\":\"admin\"}").status())
                .isEqualTo(403);
    }

    /**
     * A monitor makes Tocsin fetch a URL of the caller's choosing from inside the network, and its reason quotes what
     * it found ("(it is …)"): a write key must not be able to read an internal endpoint that way.
     */
    @Test
    void onlyAdminKeysDefineMonitorsAndWriteKeysStillCheckThem() {
        String id = unique("ssrf");
        String body = "{\"service\":\"monitored\",\"type\":\"http\",\"retries\":3,\"url\":\"http://127.0.0.1:1/latest/meta-data\","
                + "\"conditions\":[{\"expect\":\"$.SecretAccessKey == \\\"x\\\"\"}]}";
        Http writer = api.as(Http.WRITE_KEY);
        Http.Response refused = writer.put("/api/v1/monitors/" + id, body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).contains("admin scope needed");
        assertThat(api.get("/api/v1/monitors/" + id).status()).as("nothing was stored").isEqualTo(404);

        assertThat(api.put("/api/v1/monitors/" + id, body).status()).isEqualTo(201);
        assertThat(writer.post("/api/v1/monitors/" + id + "/check", null).status())
                .as("checking a defined monitor is a responder's").isEqualTo(200);
        assertThat(writer.delete("/api/v1/monitors/" + id).status()).isEqualTo(403);
        assertThat(api.delete("/api/v1/monitors/" + id).status()).isEqualTo(204);
    }

    /**
     * Defence in depth for every page: no inline or foreign script, no framing, and no Referer that could carry an
     * acknowledge link's token to another site.
     */
    @Test
    void pagesForbidForeignScriptsFramingAndReferrers() {
        for (String path : java.util.List.of("/status", "/login", "/ack/not-a-token", "/api/v1/incidents")) {
            Http.Response r = anonymous.get(path);
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).as(path).contains("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
                    "object-src 'none'").doesNotContain("unsafe-inline");
            assertThat(r.header("Referrer-Policy")).as(path).isEqualTo("same-origin");
        }
        assertThat(anonymous.get("/ack/not-a-token").body()).as("no inline style for the policy to block")
                .doesNotContain("<style").contains("/css/ack.css");
        assertThat(anonymous.get("/css/ack.css").status()).isEqualTo(200);
    }

    /** Behind a proxy that ends TLS, the session cookie must not travel over plain HTTP, nor with other sites' requests. */
    @Test
    void behindATlsProxyTheSessionCookieIsSecureAndSameSite() {
        Http.Response viaProxy = anonymous.send(anonymous.request("/login").header("X-Forwarded-Proto", "https").GET());
        String cookie = viaProxy.header("Set-Cookie");
        assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly", "Secure", "SameSite=Lax");
        Http.Response redirect = anonymous.send(anonymous.request("/dashboard").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example").GET());
        assertThat(redirect.header("Location")).as("relative: the browser stays on https, on the host it used")
                .isEqualTo("/login");
        Http.Response plain = anonymous.get("/login");
        assertThat(plain.header("Set-Cookie")).contains("SameSite=Lax").doesNotContain("Secure");
    }

    @Test
    void aCreatedKeyWorksUntilRevokedAndOnlyItsHashIsStored() {
        Http.Response created = api.post("/api/v1/api-keys", "{\"name\":\"grafana\",\"scope\":\"read\"}");
        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().get("secret").asString();
        long id = created.json().get("key").get("id").asLong();
        assertThat(secret).startsWith("tocsin_");
        assertThat(api.as(secret).get("/api/v1/services").status()).isEqualTo(200);
        assertThat(api.as(secret).post("/api/v1/incidents", "{}").status()).isEqualTo(403);

        JsonNode listed = api.get("/api/v1/api-keys").json();
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(listed.findValuesAsString("prefix")).contains(secret.substring(0, 12));

        // One name, one key in use: the name is who the timeline says acted.
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"grafana\",\"scope\":\"write\"}").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"writer\",\"scope\":\"read\"}").status())
                .as("a key of the configuration file").isEqualTo(409);

        assertThat(api.delete("/api/v1/api-keys/" + id).json().get("revoked_at").isNull()).isFalse();
        assertThat(api.as(secret).get("/api/v1/services").status()).isEqualTo(401);
        assertThat(api.delete("/api/v1/api-keys/999999").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"grafana\",\"scope\":\"read\"}").status())
                .as("once revoked, its name may be used again").isEqualTo(201);
    }

    @Test
    void invalidKeyRequestsNameTheField() {
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"Bad Name\",\"scope\":\"read\"}").json()
                .get("errors").get(0).get("field").asString()).isEqualTo("name");
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"ok\",\"scope\":\"root\"}").json()
                .get("errors").get(0).get("field").asString()).isEqualTo("scope");
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"ok\",\"scope\":\"read\",\"user\":\"ghost\"}").json()
                .get("errors").get(0).get("field").asString()).isEqualTo("user");
    }

    @Test
    void intakeAndHealthNeedNoApiKey() {
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/api/health/deep").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(200);
        // A sender that adds its own Authorization header (Alertmanager's http_config) is not refused by our API keys.
        Http.Response r = anonymous.send(anonymous.request("/v2/enqueue").header("Authorization", "Bearer whatever")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(trigger(CHECKOUT_KEY, unique("hdr"), "s", "info"))));
        assertThat(r.status()).isEqualTo(202);
    }

    /**
     * A reverse proxy with basic authentication in front of the whole site sends its Authorization header with every
     * request: the public pages, their scripts and styles, the metrics and acknowledge links must not answer 401 for
     * it, while the API still refuses it as a key.
     */
    @Test
    void aForeignAuthorizationHeaderIsIgnoredWhereNoKeyIsTakenAndRefusedByTheApi() {
        Http basic = new Http(port, null);
        for (String path : java.util.List.of("/status", "/status/summary.json", "/css/app.css", "/js/live.js", "/login",
                "/actuator/prometheus", "/actuator/health")) {
            Http.Response r = basic.send(basic.request(path).header("Authorization", "Basic dXNlcjpwYXNz").GET());
            assertThat(r.status()).as(path).isEqualTo(200);
        }
        Http.Response api = basic.send(basic.request("/api/v1/incidents").header("Authorization", "Basic dXNlcjpwYXNz").GET());
        assertThat(api.status()).isEqualTo(401);
    }
}
