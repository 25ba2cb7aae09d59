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

    /**
     * Failed sign-ins are counted per client: a client naming itself anew in each attempt is still the one client. From
     * an address of its own, so that the other test's sign-in from 127.0.0.1 is not refused.
     */
    @Test
    void aClientsOwnForwardedForDoesNotMakeItAFreshClientForSigningIn() throws Exception {
        for (int i = 1; i <= 5; i++) {
            SignInThrottleTest.signIn(new RawRequests(port, List.of("X-Forwarded-For: 198.51.100." + i)).from("127.0.0.7"),
                    "ana", "guess-" + i);
        }
        RawRequests fresh = new RawRequests(port, List.of("X-Forwarded-For: 198.51.100.99")).from("127.0.0.7");
        assertThat(SignInThrottleTest.signIn(fresh, "ana", "test-password-ana")).endsWith("/login?locked");
    }
}
