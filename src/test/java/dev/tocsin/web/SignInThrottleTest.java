package dev.tocsin.web;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing passwords at the sign-in form: after five wrong ones in 15 minutes the name is refused, right password or
 * not, until the first of them is 15 minutes old. An application of its own: it locks ana, whom the other UI tests
 * sign in as.
 */
class SignInThrottleTest extends ApiTest {

    @DynamicPropertySource
    static void ownData(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-sign-in-throttle-test");
    }

    @Test
    void fiveWrongPasswordsLockTheNameForFifteenMinutesEvenForTheRightOne() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port);
        for (int i = 1; i <= 4; i++) {
            assertThat(location(signIn(browser, "ana", "guess-" + i))).endsWith("/login?error");
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(location(signIn(browser, "Ana", "guess-5"))).as("the fifth, in another case").endsWith("/login?locked");
        assertThat(location(signIn(browser, "ana", "test-password-ana"))).as("the right password, while locked")
                .endsWith("/login?locked");
        assertThat(browser.get("/login?locked").body()).contains("Too many wrong passwords for this user");
        assertThat(browser.get("/dashboard").statusCode()).as("not signed in").isEqualTo(302);
        assertThat(location(signIn(browser, "bo", "anything"))).as("another name is not locked").endsWith("/login?error");

        clock.advance(Duration.ofMinutes(11).plusSeconds(1));
        // Back to the dashboard it asked for while locked out (Spring Security marks that with ?continue).
        assertThat(location(signIn(browser, "ana", "test-password-ana"))).as("the first failure is 15 minutes old")
                .endsWith("/dashboard?continue");
        assertThat(browser.get("/dashboard").statusCode()).isEqualTo(200);
    }

    @Test
    void aSuccessfulSignInClearsTheFailures() throws Exception {
        SignedInBrowser browser = new SignedInBrowser(port);
        clock.advance(Duration.ofHours(1));
        for (int i = 1; i <= 4; i++) {
            assertThat(location(signIn(browser, "ana", "wrong-" + i))).endsWith("/login?error");
        }
        assertThat(location(signIn(browser, "ana", "test-password-ana"))).endsWith("/dashboard");
        SignedInBrowser another = new SignedInBrowser(port);
        assertThat(location(signIn(another, "ana", "wrong-again"))).as("counting starts again").endsWith("/login?error");
        assertThat(location(signIn(another, "ana", "test-password-ana"))).endsWith("/dashboard");
    }

    private static HttpResponse<String> signIn(SignedInBrowser browser, String user, String password) throws Exception {
        String token = SignedInBrowser.csrf(browser.get("/login").body());
        return browser.post("/login", "username=" + user + "&password=" + SignedInBrowser.enc(password) + "&_csrf=" + token);
    }

    private static String location(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(302);
        return r.headers().firstValue("Location").orElseThrow();
    }
}
