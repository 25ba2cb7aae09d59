package dev.tocsin.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.tocsin.TestNodes;
import dev.tocsin.cli.TocsinCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A file that is wrong is refused by {@code tocsin check --once} exactly as by start-up: the same problems, all of
 * them at once, whichever feature owns the rule.
 */
class ConfigCheckTest {

    private static final String BASE = """
            severities:
              - {id: P1, name: High, response_target: 15m}
            users:
              - {id: ana, name: Ana, email: ana@example.com}
            services:
              - id: web
            """;

    @TempDir
    Path dir;

    @Test
    void aTemplateNamingAnUnknownVariableIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                templates:
                  - kind: page
                    text: "{{titel}} needs you"
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).singleElement().asString()
                .startsWith("templates[0].text: unknown variable 'titel' on line 1, expected one of [");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    @Test
    void aScheduleRotatingAUserTheFileDoesNotDeclareIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                schedules:
                  - id: primary
                    time_zone: Europe/Berlin
                    layers:
                      - name: engineers
                        rotation: {kind: weekly, users: [ana, bob], start: "2026-03-09T09:00"}
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly("schedules[0].layers[0].rotation.users[1]: unknown user 'bob'");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    @Test
    void aMaintenanceWindowEndingBeforeItStartsIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                maintenance_windows:
                  - {service: web, start: "2026-03-10T22:00:00Z", end: "2026-03-10T21:00:00Z"}
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly("maintenance_windows[0].end: must be after start");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /**
     * A zero timeout was accepted, then every check failed at once: Java's HTTP client refuses a zero timeout, and
     * for a TCP connect zero means none at all. A zero response-time threshold made every check a warning.
     */
    @Test
    void aMonitorTimeoutOrThresholdOfZeroIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                monitors:
                  - {id: home, service: web, type: http, url: "http://127.0.0.1:9/", timeout: 0s}
                  - {id: slow, service: web, type: http, url: "http://127.0.0.1:9/", response_time: {warning: 0ms, critical: 2s}}
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly("monitors[0].timeout: expected a positive duration, got '0s'",
                "monitors[1].response_time.warning: expected a positive duration, got '0ms'");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /** A schedule was refused for its first problem alone; each next one took another edit and another start. */
    @Test
    void everyProblemOfTheSchedulesIsReportedAtOnceByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                schedules:
                  - id: primary
                    time_zone: Mars/Olympus
                    layers:
                      - name: day
                        rotation: {kind: weekly, every: 0, users: [ana], start: "2026-03-09T09:00"}
                      - name: night
                        rotation: {kind: fortnightly, users: [bob], start: "2026-03-09T21:00"}
                    overrides:
                      - {user: ana, start: "2026-03-10T08:00:00Z", end: yesterday}
                  - id: primary
                    time_zone: UTC
                    layers: []
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly(
                "schedules[0].time_zone: expected an IANA time zone such as Europe/Berlin, got 'Mars/Olympus'",
                "schedules[0].layers[0].rotation.every: at least 1, got 0",
                "schedules[0].layers[1].rotation.kind: expected hourly, daily or weekly, got 'fortnightly'",
                "schedules[0].layers[1].rotation.users[0]: unknown user 'bob'",
                "schedules[0].overrides[0].end: expected an instant such as 2026-03-01T08:00:00Z",
                "schedules[1].id: duplicate schedule 'primary'",
                "schedules[1].layers: at least one layer");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /** An unset variable left the hash empty, and the file was refused as if the hash were a plain password. */
    @Test
    void aPasswordHashFromAnUnsetVariableIsRefusedNamingTheVariable() throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, BASE.replace("email: ana@example.com}",
                "email: ana@example.com, password_hash: \"${TOCSIN_TEST_UNSET_HASH}\"}"));

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly(
                "users[0].password_hash: needs the environment variable(s) [TOCSIN_TEST_UNSET_HASH], which are not set");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /**
     * A role that is not one (the likely guess, admin, says where administration lives), an observer paged by an
     * escalation policy, and a key that would change things as an observer: refused, each by its path.
     */
    @Test
    void anUnknownRoleAnObserverPagedOrAnObserversWritingKeyIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, BASE.replace("users:\n", """
                users:
                  - {id: olu, name: Olu, role: observer}
                  - {id: ken, name: Ken, role: admin}
                  - {id: ida, name: Ida, role: Observer}
                """) + """
                escalation_policies:
                  - id: web
                    levels:
                      - {targets: [{user: ana}, {user: olu}]}
                api_keys:
                  - {name: olu-reads, sha256: %s, scope: read, user: olu}
                  - {name: olu-writes, sha256: %s, scope: write, user: olu}
                """.formatted("a".repeat(64), "b".repeat(64)));

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly(
                "users[1].role: unknown role 'admin', expected one of [responder, observer] (there is no admin role: "
                        + "the configuration file and admin-scope API keys administer Tocsin)",
                "users[2].role: unknown role 'Observer', expected one of [responder, observer]",
                "escalation_policies[0].levels[0].targets[1].user: 'olu' is an observer, and observers are never paged: "
                        + "name a responder, or make them one (role: responder)",
                "api_keys[1].scope: the key acts for 'olu', an observer, who may only read: expected read or calendar");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /** As in PagerDuty, observers cannot be on call: a rotation or an override naming one is refused. */
    @Test
    void aScheduleNamingAnObserverIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, BASE.replace("users:\n", "users:\n  - {id: olu, name: Olu, role: observer}\n") + """
                schedules:
                  - id: primary
                    time_zone: Europe/Berlin
                    layers:
                      - name: engineers
                        rotation: {kind: weekly, users: [ana, olu], start: "2026-03-09T09:00"}
                    overrides:
                      - {user: olu, replaces: ana, start: "2026-03-10T09:00:00Z", end: "2026-03-10T17:00:00Z"}
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly(
                "schedules[0].layers[0].rotation.users[1]: 'olu' is an observer, and observers are never on call: "
                        + "name a responder, or make them one (role: responder)",
                "schedules[0].overrides[0].user: 'olu' is an observer, and observers are never on call: "
                        + "name a responder, or make them one (role: responder)");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    /** Start-up stopped at the first part that refused the file; every problem belongs in the one report. */
    @Test
    void problemsOfSeveralFeaturesAreReportedTogether() throws IOException {
        Path file = write("""
                templates:
                  - kind: page
                    text: "{{titel}} needs you"
                schedules:
                  - id: primary
                    time_zone: Europe/Berlin
                    layers:
                      - name: engineers
                        rotation: {kind: weekly, users: [bob], start: "2026-03-09T09:00"}
                monitors:
                  - {id: home, service: web, type: http, url: "http://127.0.0.1:9/", interval: 0s}
                maintenance_windows:
                  - {service: web, start: "2026-03-10T22:00:00Z", end: "2026-03-10T21:00:00Z"}
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).hasSize(4).anyMatch(p -> p.startsWith("templates[0].text: "))
                .anyMatch(p -> p.startsWith("schedules[0].layers[0].rotation.users[0]: "))
                .anyMatch(p -> p.startsWith("monitors[0].interval: "))
                .contains("maintenance_windows[0].end: must be after start");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    @Test
    void aPublishRuleNamingAnUnknownSeverityIsRefusedByStartAndByCheckOnce() throws IOException {
        Path file = write("""
                status_page:
                  publish: [P1, P9]
                """);

        List<String> atStart = problemsAtStart(file);
        assertThat(atStart).containsExactly("status_page.publish[1]: unknown severity 'P9', expected one of [P1]");
        assertThat(check(file)).as("check --once").isEqualTo(report(file, atStart));
    }

    private Path write(String more) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, BASE + more);
        return file;
    }

    /** Starts a node on the file as the real start does, and returns the problems it was refused with. */
    private List<String> problemsAtStart(Path file) {
        ConfigurableApplicationContext node;
        try {
            node = TestNodes.start(dir.resolve("data"), null, "--tocsin.config=" + file);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException config) {
                    assertThat(config.source()).isEqualTo(file.toString());
                    return config.problems();
                }
            }
            throw e;
        }
        node.close();
        return fail("started with " + file);
    }

    /** What {@code tocsin check --once -c FILE} printed on stderr; it must exit 2, for an invalid file. */
    private static String check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TocsinCli.run(new String[] {"check", "--once", "-c", file.toString()}, new PrintWriter(out),
                new PrintWriter(err), Map.of(), Clock.systemUTC());
        assertThat(exit).as(out + "" + err).isEqualTo(2);
        return err.toString().strip();
    }

    /** The problems as start-up's failure report words them, which check --once prints alike. */
    private static String report(Path file, List<String> problems) {
        StringBuilder report = new StringBuilder("tocsin: The configuration file " + file + " is invalid:");
        problems.forEach(p -> report.append(System.lineSeparator()).append("  - ").append(p));
        return report.toString();
    }
}
