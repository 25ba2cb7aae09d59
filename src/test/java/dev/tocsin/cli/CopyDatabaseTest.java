package dev.tocsin.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import dev.tocsin.Await;
import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import dev.tocsin.engine.Timers;
import dev.tocsin.monitor.MonitorEngine;
import dev.tocsin.monitor.MonitorTestSupport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tocsin copy-database}: a team that started on the embedded H2 database moves to PostgreSQL, and the node
 * started there carries on where the H2 node stopped.
 */
class CopyDatabaseTest {

    /** Embedded PostgreSQL trusts local logins, so no password is checked; it must still never be printed. */
    private static final String PASSWORD = "never-printed-8d1e";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private ConfigurableApplicationContext node;

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private Run tocsin(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TocsinCli.run(args, new PrintWriter(out), new PrintWriter(err), env, clock);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Map<String, String> env(Path dataDir) {
        return Map.of("TOCSIN_DATA_DIR", dataDir.toString(), "TOCSIN_DB_USER", "postgres", "TOCSIN_DB_PASSWORD", PASSWORD);
    }

    @Test
    void aTeamOnH2MovesEverythingToPostgresAndCarriesOn() throws Exception {
        Path h2 = dir.resolve("h2");
        node = TestNodes.start(h2, clock, "--tocsin.monitors.enabled=false");
        Http api = TestNodes.http(node, Http.ADMIN_KEY);

        // An incident that was worked on: acknowledged, notes, a stakeholder update.
        Http.Response declared = api.post("/api/v1/incidents", """
                {"title":"Checkout returns 502","service":"checkout","severity":"P1"}""");
        assertThat(declared.status()).as(declared.body()).isEqualTo(201);
        long worked = declared.json().get("id").asLong();
        assertThat(api.post("/api/v1/incidents/" + worked + "/acknowledge", null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/incidents/" + worked + "/notes", "{\"text\":\"pool exhausted after the deploy\"}")
                .status()).isEqualTo(201);
        assertThat(api.post("/api/v1/incidents/" + worked + "/notes", "{\"text\":\"rolled back\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/incidents/" + worked + "/updates",
                "{\"message\":\"Rolled back; error rate falling\",\"status\":\"monitoring\"}").status()).isEqualTo(200);

        // An open incident whose escalation waits for its next level (payments: the team lead at 10:15).
        assertThat(api.post("/v2/enqueue", """
                {"routing_key":"test-payments-key-000001","event_action":"trigger","dedup_key":"moving",
                 "payload":{"summary":"card payments failing","source":"lb","severity":"error"}}""").status()).isEqualTo(202);
        long paging = api.get("/api/v1/alerts?dedup_key=moving").json().get(0).get("incident_id").asLong();
        assertThat(pages(api, paging)).hasSize(1);

        // A schedule with an override, a monitor with history, a maintenance window, an API key.
        assertThat(api.put("/api/v1/schedules/weekend", """
                {"time_zone":"UTC","layers":[{"name":"a","rotation":{"kind":"daily","users":["ana","bo"],"start":"2026-01-01T09:00"}}],
                 "overrides":[{"user":"carla","start":"2026-03-02T00:00:00Z","end":"2026-03-03T00:00:00Z"}]}""").status())
                .isEqualTo(201);
        TestReceivers.sink().answer("/health/data", LoopbackSink.Answer.status(200,
                "{\"data_status\":{\"last_sync_at\":\"2026-03-01T09:00:00Z\"}}"));
        MonitorEngine monitors = node.getBean(MonitorEngine.class);
        MonitorTestSupport.housekeeping(monitors);
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/monitors/freshness/check", null).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(1)); // the minute finished: its figures are written back, not only held
        MonitorTestSupport.flush(monitors);
        assertThat(api.post("/api/v1/maintenance-windows", """
                {"service":"checkout","start":"2026-03-04T11:00:00Z","end":"2026-03-04T12:00:00Z","reason":"upgrade"}""")
                .status()).isEqualTo(201);
        Http.Response key = api.post("/api/v1/api-keys", "{\"name\":\"ci\",\"scope\":\"write\"}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String secret = key.json().get("secret").asString();
        long keyId = key.json().get("key").get("id").asLong();

        List<String> views = List.of("/api/v1/incidents/" + worked, "/api/v1/incidents/" + worked + "/timeline",
                "/api/v1/incidents/" + paging, "/api/v1/incidents/" + paging + "/escalation",
                "/api/v1/incidents?status=triggered,acknowledged,investigating,identified,monitoring,resolved&limit=500", "/api/v1/schedules/weekend/shifts?from=2026-03-01T00:00:00Z&to=2026-03-05T00:00:00Z",
                "/api/v1/monitors/freshness/results", "/api/v1/maintenance-windows", "/api/v1/api-keys",
                "/api/v1/outbox?incident=" + paging);
        // The page is delivered before the views are read: a send still in flight would finish on one side only.
        Await.until("the page is sent", () -> api.get("/api/v1/outbox?incident=" + paging).json().get(0)
                .get("status").asString().equals("sent"), Duration.ofSeconds(15));
        Map<String, String> onH2 = new TreeMap<>();
        for (String view : views) {
            Http.Response r = api.get(view);
            assertThat(r.status()).as(view + ": " + r.body()).isEqualTo(200);
            onH2.put(view, r.body());
        }
        JsonNode verifiedOnH2 = api.get("/api/v1/audit/verify").json();
        node.close();
        node = null;

        // The timers as a node killed in the middle of firing them leaves them: claimed by a node that is gone.
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + h2.resolve("tocsin")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE", "sa", "");
             Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE scheduled_tasks SET picked = TRUE, picked_by = 'h2-node', "
                    + "last_heartbeat = TIMESTAMP WITH TIME ZONE '2026-03-01 10:01:00+00'")).isPositive();
        }

        String target = EmbeddedPostgresSupport.newDatabase();
        Run copied = tocsin(env(h2), "copy-database", "--to", target);
        assertThat(copied.exit()).as(copied.err()).isZero();
        assertThat(copied.out()).contains("Copied " + h2.resolve("tocsin.mv.db"), "every count is the same on both sides",
                "Audit chain intact on the target: " + verifiedOnH2.get("entries").asLong() + " entries, head "
                        + verifiedOnH2.get("head_hash").asString(),
                "Not copied: flyway_schema_history", "api_key.id from " + (keyId + 1), "Timers waiting to fire");
        assertThat(copied.out() + copied.err()).doesNotContain(PASSWORD);
        everyTableIsCopiedOrNamedAsNotCopied(h2, target, copied.out());

        Run again = tocsin(env(h2), "copy-database", "--to", target);
        assertThat(again.exit()).as(again.err()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty", "Nothing was written");

        node = TestNodes.start(dir.resolve("pg-node"), clock, TestNodes.onPostgres(target, "--tocsin.monitors.enabled=false"));
        Http moved = TestNodes.http(node, Http.ADMIN_KEY);
        for (String view : views) {
            assertThat(moved.get(view).body()).as(view).isEqualTo(onH2.get(view));
        }
        JsonNode verified = moved.get("/api/v1/audit/verify").json();
        assertThat(verified.get("ok").asBoolean()).as(verified.toString()).isTrue();
        assertThat(verified.get("entries").asLong()).isGreaterThanOrEqualTo(verifiedOnH2.get("entries").asLong());

        // The old key still signs in; new rows get ids past the copied ones.
        assertThat(moved.as(secret).get("/api/v1/incidents/" + worked).status()).isEqualTo(200);
        Http.Response second = moved.post("/api/v1/api-keys", "{\"name\":\"ci-2\",\"scope\":\"read\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(second.json().get("key").get("id").asLong()).isEqualTo(keyId + 1);
        assertThat(moved.post("/api/v1/maintenance-windows", """
                {"service":"billing","start":"2026-03-05T11:00:00Z","end":"2026-03-05T12:00:00Z","reason":"more"}""")
                .status()).isEqualTo(201);
        Http.Response next = moved.post("/api/v1/incidents", "{\"title\":\"After the move\",\"service\":\"billing\"}");
        assertThat(next.status()).as(next.body()).isEqualTo(201);
        assertThat(next.json().get("id").asLong()).isEqualTo(Math.max(worked, paging) + 1);

        // The escalation that was waiting on H2 takes its next step on PostgreSQL, and the page gets a new id.
        clock.advance(Duration.ofMinutes(16));
        node.getBean(Timers.class).checkNow();
        Await.until("the team lead is paged", () -> pages(moved, paging).size() == 2, Duration.ofSeconds(15));
        assertThat(pages(moved, paging).get(1).get("user").asString()).isEqualTo("ana");
        JsonNode after = moved.get("/api/v1/audit/verify").json();
        assertThat(after.get("ok").asBoolean()).as(after.toString()).isTrue();
    }

    @Test
    void refusesATargetItCannotReachAnH2FileInUseAndAnOlderSchema() throws Exception {
        Path data = dir.resolve("old");
        String h2Url = "jdbc:h2:file:" + data.resolve("tocsin") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        Flyway.configure().dataSource(h2Url, "sa", "").locations("classpath:db/migration").target("5").load().migrate();

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run unreachable = tocsin(env(data), "copy-database", "--to", "jdbc:postgresql://127.0.0.1:" + closed + "/tocsin");
        assertThat(unreachable.exit()).as(unreachable.err()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot connect to the target jdbc:postgresql://127.0.0.1:" + closed + "/tocsin");

        Run notPostgres = tocsin(env(data), "copy-database", "--to", "jdbc:mysql://db/tocsin?password=hunter2");
        assertThat(notPostgres.exit()).as(notPostgres.err()).isEqualTo(2);
        assertThat(notPostgres.err()).contains("--to must be a PostgreSQL JDBC URL").doesNotContain("hunter2");

        String target = EmbeddedPostgresSupport.newDatabase();
        Run older = tocsin(env(data), "copy-database", "--to", target);
        assertThat(older.exit()).as(older.err()).isEqualTo(1);
        assertThat(older.err()).contains("the H2 database is at schema version 5 and this Tocsin's is",
                "start this version of Tocsin on it once");
        try (Connection pg = DriverManager.getConnection(target, "postgres", "postgres")) {
            assertThat(DatabaseCopy.tables(pg)).as("the target untouched").isEmpty();
        }

        // Another process holds the file, as a running Tocsin does.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.h2.tools.Shell", "-url", h2Url, "-user", "sa",
                "-password", "").redirectErrorStream(true).start();
        try {
            awaitPrompt(holder.getInputStream());
            Run inUse = tocsin(env(data), "copy-database", "--to", target);
            assertThat(inUse.exit()).as(inUse.err()).isEqualTo(1);
            assertThat(inUse.err()).contains("cannot open " + data.resolve("tocsin.mv.db"),
                    "the database is in use: stop Tocsin first");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode pages(Http api, long incident) {
        return api.get("/api/v1/incidents/" + incident + "/escalation").json().get("pages");
    }

    /**
     * Every table of the H2 database is either named in {@link DatabaseCopy#NOT_COPIED} or in the target with as
     * many rows, and in the summary: a table a new migration adds cannot be left behind unnoticed.
     */
    private static void everyTableIsCopiedOrNamedAsNotCopied(Path h2, String target, String summary) throws SQLException {
        Map<String, Long> inH2 = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + h2.resolve("tocsin")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE", "sa", "")) {
            for (String table : DatabaseCopy.tables(c)) {
                inH2.put(table, count(c, table));
            }
        }
        assertThat(inH2).containsKeys("timeline_event", "incident", "scheduled_tasks", "api_key");
        try (Connection pg = DriverManager.getConnection(target, "postgres", "postgres")) {
            Set<String> inTarget = DatabaseCopy.tables(pg);
            inH2.forEach((table, rows) -> {
                if (DatabaseCopy.NOT_COPIED.containsKey(table)) {
                    return;
                }
                assertThat(inTarget).as("table " + table + " is neither copied nor in DatabaseCopy.NOT_COPIED").contains(table);
                try {
                    assertThat(count(pg, table)).as("rows of " + table).isEqualTo(rows);
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
                assertThat(summary).as("the summary names " + table).containsPattern(
                        "(?m)^  " + table + " +" + String.format("%,d", rows) + " +" + String.format("%,d", rows) + "$");
            });
        }
        for (String table : List.of("timeline_event", "incident", "incident_state", "alert", "page", "escalation",
                "scheduled_tasks", "schedule_definition", "monitor_state", "monitor_rollup", "monitor_event",
                "maintenance_window", "api_key", "outbox_message")) {
            assertThat(inH2.get(table)).as("the test wrote rows to " + table).isPositive();
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"" + table + "\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until H2's shell has opened the database and asks for a statement. */
    private static void awaitPrompt(InputStream output) throws Exception {
        StringBuilder seen = new StringBuilder();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!seen.toString().contains("sql>")) {
            assertThat(Instant.now()).as("H2's shell did not open the database: " + seen).isBefore(deadline);
            if (output.available() > 0) {
                seen.append(new String(output.readNBytes(output.available()), StandardCharsets.UTF_8));
            } else {
                Thread.sleep(50);
            }
        }
    }
}
