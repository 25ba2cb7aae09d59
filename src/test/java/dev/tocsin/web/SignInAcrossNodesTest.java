package dev.tocsin.web;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.engine.Processor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.tocsin.web.SignInThrottleTest.signIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes behind a load balancer, on one PostgreSQL database, count one client's failed sign-ins together: five wrong
 * passwords spread over both lock that client out of both, not out of each after five of its own.
 */
class SignInAcrossNodesTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = start(url);
        nodeB = start(url);
    }

    @AfterAll
    static void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static ConfigurableApplicationContext start(String url) throws Exception {
        return TestNodes.start(Files.createTempDirectory("tocsin-node"), CLOCK,
                TestNodes.onPostgres(url, "--tocsin.monitors.enabled=false", "--tocsin.delivery.enabled=false"));
    }

    @BeforeEach
    void pastTheOtherTestsFailures() {
        CLOCK.advance(Duration.ofHours(1));
    }

    @Test
    void failuresOnEitherNodeCountOnBoth() throws Exception {
        RawRequests strangerAtA = client(nodeA, "127.0.0.2");
        RawRequests strangerAtB = client(nodeB, "127.0.0.2");
        for (int i = 1; i <= 3; i++) {
            assertThat(signIn(strangerAtA, "ana", "guess-" + i)).endsWith("/login?error");
        }
        assertThat(signIn(strangerAtB, "ana", "guess-4")).endsWith("/login?error");
        assertThat(signIn(strangerAtB, "ana", "guess-5")).as("the fifth on both nodes together").endsWith("/login?locked");
        assertThat(signIn(strangerAtA, "ana", "test-password-ana")).as("node a knows of node b's").endsWith("/login?locked");

        assertThat(signIn(client(nodeB, "127.0.0.3"), "ana", "test-password-ana")).as("another client")
                .endsWith("/dashboard");
    }

    /** Whatever a client types as its name is counted, on PostgreSQL too: a NUL or ten thousand characters are no 500. */
    @Test
    void anyNameIsCounted() throws Exception {
        RawRequests guesser = client(nodeA, "127.0.0.4");
        for (String name : List.of("ana\u0000", "x".repeat(10_000))) {
            for (int i = 1; i <= 4; i++) {
                assertThat(signIn(guesser, name, "guess-" + i)).endsWith("/login?error");
            }
            assertThat(signIn(guesser, name, "guess-5")).endsWith("/login?locked");
        }
    }

    @Test
    void eitherNodePrunesTheFailuresOfBoth() throws Exception {
        signIn(client(nodeA, "127.0.0.5"), "pruned-name", "guess-1");
        signIn(client(nodeB, "127.0.0.5"), "pruned-name", "guess-2");
        assertThat(failuresOf("pruned-name")).isEqualTo(2);

        CLOCK.advance(Duration.ofMinutes(15).plusSeconds(1));
        nodeB.getBeansOfType(Processor.class).values().stream().filter(p -> p.name().equals("sign-in-failures"))
                .findFirst().orElseThrow().runCycle();
        assertThat(failuresOf("pruned-name")).isZero();
    }

    private static int failuresOf(String name) {
        return nodeA.getBean(JdbcClient.class).sql("SELECT COUNT(*) FROM sign_in_failure WHERE user_name = :name")
                .param("name", name).query(Integer.class).single();
    }

    private static RawRequests client(ConfigurableApplicationContext node, String address) throws Exception {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        return new RawRequests(port, List.of()).from(address);
    }
}
