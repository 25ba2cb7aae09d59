package dev.tocsin.web;

import java.time.Duration;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tocsin on port 8080 behind a proxy that ends TLS on 443, as docs/deployment.md sets it up. Here the proxy is on
 * loopback, one of the addresses whose X-Forwarded-Proto is believed.
 */
@TestPropertySource(properties = "tocsin.public-url=https://tocsin.example.com")
class BehindATlsProxyTest extends ApiTest {

    private static final String PAGE = "/ui/services";

    /** What nginx sends with the proxy_set_header lines of docs/deployment.md, and X-Forwarded-Port as many proxies do. */
    private RawRequests proxyOn(String port) {
        return new RawRequests(this.port, port == null
                ? List.of("Host: tocsin.example.com", "X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.9")
                : List.of("Host: tocsin.example.com", "X-Forwarded-Proto: https", "X-Forwarded-Port: " + port,
                "X-Forwarded-For: 203.0.113.9"));
    }

    @Test
    void signingInBehindTheProxySendsThePersonBackToThePageTheyAskedForOnTheSchemeAndPortTheyUsed() throws Exception {
        for (String port : new String[] {"443", "8443", null}) {
            RawRequests.Response signedIn = proxyOn(port).signInFrom(PAGE, "ana", "test-password-ana");
            // Relative, so the browser stays on the scheme, host and port it used, whatever the proxy says or omits
            // (a proxy that sends no X-Forwarded-Proto would otherwise send people to http://).
            assertThat(signedIn.header("Location")).as("X-Forwarded-Port %s", port).isEqualTo("/ui/services?continue");
            assertThat(signedIn.header("Set-Cookie")).as("the new session's cookie").contains("Secure", "HttpOnly");
        }
    }

    @Test
    void aProxyThatSaysNothingOfTheSchemeStillSendsThePersonBackOnTheirOwn() throws Exception {
        RawRequests silent = new RawRequests(this.port, List.of("Host: tocsin.example.com", "X-Forwarded-For: 203.0.113.9"));
        assertThat(silent.signInFrom(PAGE, "ana", "test-password-ana").header("Location")).isEqualTo("/ui/services?continue");
    }

    /**
     * Links that leave Tocsin (feeds, messages, acknowledge links) start with TOCSIN_PUBLIC_URL, never with what a
     * request said about its host, scheme or port: a feed or a message is read by others than the one who asked.
     */
    @Test
    void linksInFeedsAndMessagesStartWithThePublicAddressWhateverARequestSays() throws Exception {
        RawRequests spoofing = new RawRequests(port, List.of("Host: evil.example:8080", "X-Forwarded-Host: evil.example",
                "X-Forwarded-Proto: http", "X-Forwarded-Port: 8080", "Authorization: Bearer " + Http.ADMIN_KEY));
        for (String feed : new String[] {"/status/feed.atom", "/status/feed.rss", "/status/summary.json"}) {
            RawRequests.Response r = spoofing.get(feed, null);
            assertThat(r.status()).as(feed).isEqualTo(200);
            assertThat(r.body()).as(feed).contains("https://tocsin.example.com/status").doesNotContain("evil.example", ":8080");
        }
        String dedup = unique("proxied");
        assertThat(enqueue(trigger(CHECKOUT_KEY, dedup, "Behind the proxy", "critical")).status()).isEqualTo(202);
        Await.until("the incident of " + dedup,
                () -> alerts(dedup).size() == 1 && !alerts(dedup).get(0).get("incident_id").isNull(), Duration.ofSeconds(20));
        long incident = incidentOf(dedup);
        // A page's text, with its acknowledge link as a message would carry it (the signed token stood in for).
        RawRequests.Response preview = spoofing.get("/api/v1/incidents/" + incident + "/messages/preview?kind=page", null);
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.body()).contains("https://tocsin.example.com/incidents/" + incident,
                "https://tocsin.example.com/ack/").doesNotContain("evil.example", ":8080");
    }
}
