package dev.tocsin.web;

import java.util.List;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that reaches Tocsin from an address that is not one of its proxies' cannot make it believe X-Forwarded-*
 * headers. Loopback is a proxy's address by default; here the proxies are named as one other address, so that this
 * test's requests come from a client's.
 */
@TestPropertySource(properties = "server.tomcat.remoteip.internal-proxies=192\\.0\\.2\\.1")
class ForwardedHeadersFromAPublicAddressTest extends ApiTest {

    @Test
    void forwardedHeadersFromAClientChangeNeitherTheRedirectAfterSigningInNorTheCookie() throws Exception {
        RawRequests client = new RawRequests(port, List.of("Host: localhost:" + port, "X-Forwarded-Proto: https",
                "X-Forwarded-Port: 8443", "X-Forwarded-Host: evil.example", "X-Forwarded-For: 198.51.100.7"));
        RawRequests.Response signedIn = client.signInFrom("/ui/services", "ana", "test-password-ana");
        assertThat(signedIn.header("Location")).isEqualTo("/ui/services?continue");
        assertThat(signedIn.header("Set-Cookie")).doesNotContain("Secure");
    }
}
