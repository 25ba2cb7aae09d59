package dev.tocsin.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.tocsin.ApiTest;
import dev.tocsin.engine.Processor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing passwords at the sign-in form: after five wrong ones in 15 minutes from one client the name is refused to
 * that client, right password or not, until the first of them is 15 minutes old; after fifty from any clients it is
 * refused to everyone. An application of its own: it locks ana, whom the other UI tests sign in as.
 */
class SignInThrottleTest extends ApiTest {

    @DynamicPropertySource
    static void ownData(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-sign-in-throttle-test");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    List<Processor> processors;

    /** Every test starts with the failures of the others aged out. */
    @BeforeEach
    void pastTheOtherTestsFailures() {
        clock.advance(Duration.ofHours(1));
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
        for (int i = 1; i <= 4; i++) {
            assertThat(location(signIn(browser, "ana", "wrong-" + i))).endsWith("/login?error");
        }
        assertThat(location(signIn(browser, "ana", "test-password-ana"))).endsWith("/dashboard");
        SignedInBrowser another = new SignedInBrowser(port);
        assertThat(location(signIn(another, "ana", "wrong-again"))).as("counting starts again").endsWith("/login?error");
        assertThat(location(signIn(another, "ana", "test-password-ana"))).endsWith("/dashboard");
    }

    /** The on-call engineer at 3 a.m. signs in although someone else has just typed five wrong passwords for her. */
    @Test
    void aStrangersWrongPasswordsDoNotLockAnotherClientOut() throws Exception {
        RawRequests stranger = new RawRequests(port, List.of()).from("127.0.0.2");
        RawRequests onCall = new RawRequests(port, List.of()).from("127.0.0.3");
        for (int i = 1; i <= 4; i++) {
            assertThat(signIn(stranger, "ana", "guess-" + i)).endsWith("/login?error");
        }
        assertThat(signIn(stranger, "ana", "guess-5")).endsWith("/login?locked");
        assertThat(signIn(stranger, "ana", "test-password-ana")).as("the stranger, even with the right password")
                .endsWith("/login?locked");

        assertThat(signIn(onCall, "ana", "test-password-ana")).as("from another address").endsWith("/dashboard");
        assertThat(signIn(stranger, "ana", "test-password-ana")).as("her sign-in does not clear the stranger's")
                .endsWith("/login?locked");
    }

    /**
     * Through a trusted reverse proxy (loopback is one by default) every client comes from the proxy's address: the
     * client is the one its X-Forwarded-For names, not the proxy, or one stranger would lock everybody out again.
     */
    @Test
    void behindAProxyTheClientIsTheOneItsForwardedForNames() throws Exception {
        RawRequests stranger = new RawRequests(port, List.of("X-Forwarded-For: 203.0.113.7"));
        RawRequests onCall = new RawRequests(port, List.of("X-Forwarded-For: 198.51.100.20"));
        for (int i = 1; i <= 5; i++) {
            signIn(stranger, "ana", "guess-" + i);
        }
        assertThat(signIn(stranger, "ana", "test-password-ana")).endsWith("/login?locked");
        assertThat(signIn(onCall, "ana", "test-password-ana")).endsWith("/dashboard");
    }

    /**
     * One IPv6 subscriber holds a whole /64 (and picks a fresh address at will), so its addresses are one client:
     * otherwise a single guesser would pass the per-client bar at every attempt.
     */
    @Test
    void theAddressesOfOneIpv6SubnetAreOneClient() throws Exception {
        for (int i = 1; i <= 5; i++) {
            RawRequests guesser = new RawRequests(port, List.of("X-Forwarded-For: 2001:db8:1:2::" + Integer.toHexString(i)));
            signIn(guesser, "ana", "guess-" + i);
        }
        RawRequests sameSubnet = new RawRequests(port, List.of("X-Forwarded-For: 2001:db8:1:2:ffff::6"));
        assertThat(signIn(sameSubnet, "ana", "test-password-ana")).endsWith("/login?locked");
        RawRequests nextSubnet = new RawRequests(port, List.of("X-Forwarded-For: 2001:db8:1:3::1"));
        assertThat(signIn(nextSubnet, "ana", "test-password-ana")).endsWith("/dashboard");
    }

    /**
     * Guesses spread over many addresses are still bounded: fifty failures for one name in 15 minutes refuse it to
     * every client. A refused attempt is not counted, so that takes ten addresses at least.
     */
    @Test
    void fiftyFailuresFromManyClientsRefuseTheNameToEveryone() throws Exception {
        for (int client = 1; client <= 10; client++) {
            RawRequests guesser = new RawRequests(port, List.of()).from("127.0.1." + client);
            for (int i = 1; i <= 4; i++) {
                assertThat(signIn(guesser, "ana", "guess-" + i)).as("client %d, guess %d", client, i)
                        .endsWith("/login?error");
            }
            assertThat(signIn(guesser, "ana", "guess-5")).endsWith("/login?locked");
            assertThat(signIn(guesser, "ana", "guess-6")).as("refused, and not counted").endsWith("/login?locked");
        }
        RawRequests onCall = new RawRequests(port, List.of()).from("127.0.2.1");
        assertThat(signIn(onCall, "ana", "test-password-ana")).as("a client that never failed").endsWith("/login?locked");
        assertThat(signIn(onCall, "carla", "anything")).as("another name").endsWith("/login?error");

        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(signIn(onCall, "ana", "test-password-ana")).endsWith("/dashboard");
    }

    /**
     * A name that is no user's is counted and refused as a user's is: neither the answers nor the time they take tell
     * a guesser which names exist.
     */
    @Test
    void anUnknownNameIsRefusedAsAUsersIs() throws Exception {
        RawRequests guesser = new RawRequests(port, List.of()).from("127.0.0.4");
        for (String name : List.of("ana", "nobody-here")) {
            for (int i = 1; i <= 4; i++) {
                assertThat(signIn(guesser, name, "guess-" + i)).as(name).endsWith("/login?error");
            }
            assertThat(signIn(guesser, name, "guess-5")).as(name).endsWith("/login?locked");
            assertThat(signIn(guesser, name, "guess-6")).as(name).endsWith("/login?locked");
        }
    }

    /**
     * Thirty guesses sent at once are not thirty checks: each attempt is counted before its password is, so the right
     * password sent while they are still being checked finds the client's five used up. Counted only after the check,
     * all thirty passed the bar while bcrypt was busy with them, and so did the right password.
     */
    @Test
    void aBurstOfGuessesGetsFiveChecks() throws Exception {
        RawRequests guesser = new RawRequests(port, List.of()).from("127.0.0.5");
        List<String[]> forms = new ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            RawRequests.Response form = guesser.get("/login", null);
            forms.add(new String[] {form.sessionCookie(), SignedInBrowser.csrf(form.body())});
        }
        ExecutorService pool = Executors.newFixedThreadPool(30);
        try {
            List<CompletableFuture<String>> burst = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String[] form = forms.get(i);
                String guess = "burst-" + i;
                burst.add(CompletableFuture.supplyAsync(() -> post(guesser, form, "ana", guess), pool));
            }
            Thread.sleep(300);
            String[] last = forms.get(30);
            assertThat(post(guesser, last, "ana", "test-password-ana")).as("the right password, during the burst")
                    .endsWith("/login?locked");
            long checkedAndWrong = 0;
            for (CompletableFuture<String> guess : burst) {
                String location = guess.get(60, TimeUnit.SECONDS);
                assertThat(location).matches(".*/login\\?(error|locked)");
                checkedAndWrong += location.endsWith("?error") ? 1 : 0;
            }
            assertThat(checkedAndWrong).isLessThanOrEqualTo(4);
        } finally {
            pool.shutdown();
        }
        assertThat(failuresOf("ana", "127.0.0.5")).as("five failures kept, nothing for the refused").isEqualTo(5);
    }

    @Test
    void failuresArePrunedOnceTheyNoLongerCount() throws Exception {
        RawRequests guesser = new RawRequests(port, List.of()).from("127.0.0.6");
        for (int i = 1; i <= 7; i++) {
            signIn(guesser, "pruned-name", "guess-" + i);
        }
        assertThat(failuresOf("pruned-name", "127.0.0.6")).as("no row for a refused attempt").isEqualTo(5);

        clock.advance(Duration.ofMinutes(14));
        pruning().runCycle();
        assertThat(failuresOf("pruned-name", "127.0.0.6")).as("still counting").isEqualTo(5);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        pruning().runCycle();
        assertThat(failuresOf("pruned-name", "127.0.0.6")).isZero();
    }

    private Processor pruning() {
        return processors.stream().filter(p -> p.name().equals("sign-in-failures")).findFirst().orElseThrow();
    }

    private int failuresOf(String name, String client) {
        return jdbc.sql("SELECT COUNT(*) FROM sign_in_failure WHERE user_name = :name AND client_address = :client")
                .param("name", name).param("client", client).query(Integer.class).single();
    }

    /** Signs in with a form of its own (a fresh session and CSRF token); the Location it is sent to. */
    static String signIn(RawRequests client, String user, String password) throws IOException {
        RawRequests.Response form = client.get("/login", null);
        return post(client, new String[] {form.sessionCookie(), SignedInBrowser.csrf(form.body())}, user, password);
    }

    /** @param form the session cookie and CSRF token of a sign-in form */
    private static String post(RawRequests client, String[] form, String user, String password) {
        try {
            RawRequests.Response r = client.postForm("/login", form[0], "username=" + SignedInBrowser.enc(user)
                    + "&password=" + SignedInBrowser.enc(password) + "&_csrf=" + SignedInBrowser.enc(form[1]));
            assertThat(r.status()).as(r.headers().toString()).isEqualTo(302);
            return r.header("Location");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
