package dev.tocsin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tocsin.ApiTest;
import dev.tocsin.FragmentedWrites;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The tocsin command line, run as main() runs it, against the real server over HTTP. */
class CliTest extends ApiTest {

    /** What a command printed, and how it exited. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            return Http.parse(out);
        }
    }

    @Autowired
    JdbcClient jdbc;

    @Value("${tocsin.data-dir}")
    String dataDir;

    @TempDir
    Path dir;

    private Run tocsin(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TocsinCli.run(args, new PrintWriter(out), new PrintWriter(err), env, clock);
        return new Run(exit, out.toString(), err.toString());
    }

    /** As an operator would: the address and key from the environment. */
    private Run tocsin(String... args) {
        return tocsin(Map.of("TOCSIN_URL", "http://127.0.0.1:" + port, "TOCSIN_API_KEY", Http.ADMIN_KEY), args);
    }

    /** A time as the command line and the timeline print it: to the minute, in UTC, said so. */
    private static final String MINUTE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC";

    @Test
    void declareAcknowledgeUpdateAndResolveAnIncident() {
        String title = unique("Checkout returns 502");
        Run declared = tocsin("incident", "declare", "--title", title, "--service", "checkout", "--severity", "P1",
                "--commander", "ana", "--json");
        assertThat(declared.exit()).as(declared.err()).isZero();
        long id = declared.json().get("id").asLong();

        Run acknowledged = tocsin("incident", "ack", Long.toString(id));
        assertThat(acknowledged.exit()).isZero();
        assertThat(acknowledged.out()).contains("Incident " + id + ": " + title).containsPattern("status +acknowledged")
                .containsPattern("commander +ana");

        assertThat(tocsin("incident", "status", Long.toString(id), "identified", "-m", "Bad pool setting in v2.4.1").out())
                .containsPattern("status +identified");
        assertThat(tocsin("incident", "update", Long.toString(id), "Rolled back v2.4.1", "--status", "monitoring").out())
                .containsPattern("status +monitoring");
        Run noted = tocsin("incident", "note", Long.toString(id), "suspect the pool size");
        assertThat(noted.out()).isEqualTo("Note added to incident " + id + ".\n");
        JsonNode notedJson = tocsin("incident", "note", Long.toString(id), "pool resized to 40", "--json").json();
        assertThat(notedJson.get("kind").asString()).isEqualTo("incident.note_added");
        assertThat(notedJson.get("data").get("text").asString()).isEqualTo("pool resized to 40");
        assertThat(tocsin("incident", "list", "--service", "checkout").out())
                .containsPattern(id + " +P1 +monitoring +checkout +" + MINUTE + " " + title);

        assertThat(tocsin("incident", "severity", Long.toString(id), "P0").out()).containsPattern("severity +P0");
        assertThat(tocsin("incident", "assign", Long.toString(id), "tech-lead", "bo").out()).containsPattern("technical lead +bo");
        Run badRole = tocsin("incident", "assign", Long.toString(id), "captain", "bo");
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("expected commander, tech-lead or comms-lead");

        Run resolved = tocsin("incident", "resolve", Long.toString(id), "-r", "pool size restored");
        assertThat(resolved.out()).containsPattern("status +resolved").containsPattern("resolution +pool size restored")
                .as("the incident's times as the timeline's entries spell theirs")
                .containsPattern("opened +" + MINUTE + "\n").containsPattern("acknowledged +" + MINUTE + "\n")
                .containsPattern("resolved +" + MINUTE + "\n").doesNotContainPattern(":\\d\\dZ");
        assertThat(tocsin("incident", "list", "--service", "checkout").out()).doesNotContain(title);
        assertThat(tocsin("incident", "list", "--status", "all", "--service", "checkout").out()).contains(title);

        Run timeline = tocsin("incident", "timeline", Long.toString(id));
        assertThat(timeline.out()).containsPattern("incident.declared +api-key:\\S+ +" + title)
                .containsPattern("incident.severity_changed .*P1 → P0")
                .as("a status change made with a message shows the transition, then the message")
                .containsPattern("incident.status_changed .*acknowledged → identified · Bad pool setting in v2.4.1")
                .containsPattern("incident.note_added .*suspect the pool size")
                .as("a resolution shows its transition too, then its words")
                .containsPattern("incident.resolved .*monitoring → resolved · pool size restored")
                .containsPattern("incident.role_assigned .*incident commander: ana\n")
                .containsPattern("incident.role_assigned .*technical lead: nobody → bo\n");
        assertThat(timeline.out().lines()).as("every line starts with its time, spelled as in show and list")
                .allMatch(line -> line.matches(MINUTE + "  \\S+ .*"));

        List<String> kinds = new ArrayList<>();
        api.get("/api/v1/incidents/" + id + "/timeline").json().forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).contains("incident.declared", "incident.acknowledged", "incident.status_update",
                "incident.note_added", "incident.resolved");
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().get(1).get("actor").asString())
                .as("the CLI acts with its API key").startsWith("api-key:");
    }

    @Test
    void thePublicTitleIsGivenAtDeclarationAndChangedAndClearedLater() {
        String title = unique("pg-primary-2 disk full");
        Run declared = tocsin("incident", "declare", "--title", title, "--service", "checkout", "--public-title",
                "Payments are delayed");
        assertThat(declared.exit()).as(declared.err()).isZero();
        assertThat(declared.out()).containsPattern("public +Payments are delayed\n");
        String id = declared.out().replaceAll("(?s)^Incident (\\d+):.*", "$1");

        Run changed = tocsin("incident", "public-title", id, "Some payments are delayed");
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.out()).containsPattern("public +Some payments are delayed\n");
        Run cleared = tocsin("incident", "public-title", id, "--clear");
        assertThat(cleared.out()).containsPattern("public +" + title + " \\(the page's own; set one with public-title\\)");
        Run blank = tocsin("incident", "public-title", id, " ");
        assertThat(blank.exit()).isNotZero();
        assertThat(blank.err()).contains("public_title");
        assertThat(tocsin("incident", "public-title", id).exit()).as("neither a title nor --clear").isEqualTo(2);
        String timeline = tocsin("incident", "timeline", id).out();
        assertThat(timeline).containsPattern("incident.public_title_set .*public title: \"Payments are delayed\" → \"Some payments are delayed\"\n")
                .containsPattern("incident.public_title_cleared .*public title: \"Some payments are delayed\" → the page's own\n");
        // The actor column starts at the same place on every line, after the longest kind too.
        assertThat(timeline.lines().map(line -> line.indexOf("api-key:")).distinct().toList()).hasSize(1);
    }

    @Test
    void anIncidentIsHiddenFromTheStatusPageAndHandedBackToTheRule() {
        String id = Long.toString(api.post("/api/v1/incidents", "{\"title\":\"" + unique("False alarm")
                + "\",\"service\":\"checkout\",\"severity\":\"P1\"}").json().get("id").asLong());
        assertThat(tocsin("incident", "show", id).out()).containsPattern("status page +published \\(by status_page.publish\\)\n");
        Run hidden = tocsin("incident", "status-page", id, "--hide");
        assertThat(hidden.exit()).as(hidden.err()).isZero();
        assertThat(hidden.out()).containsPattern("status page +hidden \\(chosen by a person\\)\n");
        Run rule = tocsin("incident", "status-page", id, "--rule");
        assertThat(rule.out()).containsPattern("status page +published \\(by status_page.publish\\)\n");
        assertThat(tocsin("incident", "status-page", id).exit()).as("no choice given").isEqualTo(2);
        assertThat(tocsin("incident", "status-page", id, "--hide", "--publish").exit()).as("two choices").isEqualTo(2);
        assertThat(tocsin("incident", "timeline", id).out()).contains("status page: by the rule → hidden",
                "status page: hidden → by the rule (published)");
    }

    @Test
    void recordTheImpactFieldByFieldAndTakeARoleBack() {
        long id = api.post("/api/v1/incidents", "{\"title\":\"" + unique("Impact") + "\",\"service\":\"checkout\"}")
                .json().get("id").asLong();
        String incident = Long.toString(id);
        Run first = tocsin("incident", "impact", incident, "--users", "1200", "--services", "checkout, billing");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("users +1200").containsPattern("affected +checkout, billing");
        // Options not given keep what the incident has.
        Run second = tocsin("incident", "impact", incident, "--data-loss", "no", "--financial", "~$5k an hour");
        assertThat(second.out()).containsPattern("users +1200").containsPattern("affected +checkout, billing")
                .containsPattern("data loss +no").containsPattern("financial +~\\$5k an hour");
        assertThat(tocsin("incident", "impact", incident, "--users", "").out()).doesNotContainPattern("users +")
                .containsPattern("affected +checkout, billing");

        Run nothing = tocsin("incident", "impact", incident);
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("say what changed");
        Run notANumber = tocsin("incident", "impact", incident, "--users", "many");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--users 'many' is not a whole number");
        Run badLoss = tocsin("incident", "impact", incident, "--data-loss", "perhaps");
        assertThat(badLoss.exit()).isEqualTo(2);
        assertThat(badLoss.err()).contains("expected yes, no or unknown");
        Run unknown = tocsin("incident", "impact", incident, "--services", "nowhere");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown service 'nowhere'");
        assertThat(api.get("/api/v1/incidents/" + id).json().get("impact").get("services_affected").toString())
                .as("nothing stored by a refusal").isEqualTo("[\"checkout\",\"billing\"]");

        assertThat(tocsin("incident", "assign", incident, "commander", "ana").out()).containsPattern("commander +ana");
        Run unassigned = tocsin("incident", "unassign", incident, "commander");
        assertThat(unassigned.exit()).as(unassigned.err()).isZero();
        assertThat(unassigned.out()).doesNotContain("commander");
        assertThat(tocsin("incident", "timeline", incident).out()).containsPattern("incident.role_cleared .*incident commander: ana → nobody")
                .containsPattern("incident.impact_updated .*services affected: none → checkout, billing");
    }

    @Test
    void escalateToTheNextLevelNow() {
        Run declared = tocsin("incident", "declare", "--title", "Card payments failing", "--service", "payments",
                "--severity", "P1", "--json");
        long id = declared.json().get("id").asLong();
        Run escalated = tocsin("incident", "escalate", Long.toString(id));
        assertThat(escalated.exit()).as(escalated.err()).isZero();
        assertThat(escalated.out()).startsWith("Incident " + id + ": paged level 2 (ana). Next level 3 at ")
                .containsPattern(" at " + MINUTE + " unless acknowledged\\.\n");

        tocsin("incident", "ack", Long.toString(id));
        Run snoozed = tocsin("incident", "snooze", Long.toString(id), "4h");
        assertThat(snoozed.exit()).as(snoozed.err()).isZero();
        assertThat(snoozed.out()).containsPattern("snoozed +until " + MINUTE + "\n");
        Run tooLong = tocsin("incident", "snooze", Long.toString(id), "2w");
        assertThat(tooLong.exit()).isEqualTo(1);
        assertThat(tooLong.err()).contains("400").contains("duration");
        Run refused = tocsin("incident", "escalate", Long.toString(id));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("409").contains("acknowledged");
    }

    /** {@code --from-level}: run twice (or by two people), it escalates once and then says where it stands. */
    @Test
    void escalateFromALevelEscalatesOnceOnly() {
        Run declared = tocsin("incident", "declare", "--title", "Card payments failing twice", "--service", "payments",
                "--severity", "P1", "--json");
        String id = declared.json().get("id").asString();
        Run first = tocsin("incident", "escalate", id, "--from-level", "1");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("Incident " + id + ": paged level 2 (ana).");
        Run again = tocsin("incident", "escalate", id, "--from-level", "1");
        assertThat(again.exit()).as(again.out()).isEqualTo(1);
        assertThat(again.err()).contains("409", "is at level 2 of policy 'payments', not level 1");
        Run notANumber = tocsin("incident", "escalate", id, "--from-level", "two");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--from-level");
    }

    @Test
    void aRefusalExitsWith1AndTheServersReason() {
        Run unknown = tocsin("incident", "ack", "999999");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("404").contains("incident 999999 does not exist");

        Run invalid = tocsin("incident", "declare", "--title", "x", "--service", "shop");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("400").contains("service: unknown service 'shop'");

        Run noKey = tocsin(Map.of("TOCSIN_URL", "http://127.0.0.1:" + port), "incident", "list");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).contains("401").contains("TOCSIN_API_KEY");

        Run readOnly = tocsin("incident", "declare", "--title", "x", "--service", "checkout", "--api-key", Http.READ_KEY);
        assertThat(readOnly.exit()).isEqualTo(1);
        assertThat(readOnly.err()).contains("403");
    }

    @Test
    void aBadCommandLineExitsWith2AndSaysWhatIsWrong() {
        Run missing = tocsin("incident", "declare", "--service", "checkout");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--title");

        Run notANumber = tocsin("incident", "ack", "seven");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("seven");

        Run badInstant = tocsin("oncall", "--at", "yesterday");
        assertThat(badInstant.exit()).isEqualTo(2);
        assertThat(badInstant.err()).contains("--at 'yesterday' is not an instant");

        assertThat(tocsin("incident", "frobnicate").exit()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerExitsWith3() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Run r = tocsin("incident", "list", "--url", "http://127.0.0.1:" + closed);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach Tocsin at http://127.0.0.1:" + closed);
    }

    @Test
    void sendEventsWithAnIntegrationKey() {
        String key = unique("cli-disk");
        Run triggered = tocsin("event", "trigger", "-k", CHECKOUT_KEY, "-s", "Disk 95% full on db-1", "--severity", "warning",
                "-d", key, "--source", "db-1", "--detail", "mount=/var/lib/postgresql", "--detail", "env=prod");
        assertThat(triggered.exit()).as(triggered.err()).isZero();
        assertThat(triggered.out()).isEqualTo("Triggered: dedup key " + key + "\n");
        JsonNode alert = api.get("/api/v1/alerts?dedup_key=" + key).json().get(0);
        assertThat(alert.get("status").asString()).isEqualTo("triggered");
        assertThat(alert.toString()).contains("/var/lib/postgresql");

        assertThat(tocsin("event", "resolve", "-k", CHECKOUT_KEY, "-d", key).exit()).isZero();
        assertThat(api.get("/api/v1/alerts?dedup_key=" + key).json().get(0).get("status").asString()).isEqualTo("resolved");

        Run generated = tocsin("event", "trigger", "-k", CHECKOUT_KEY, "-s", "no key given");
        assertThat(generated.out()).containsPattern("Triggered: dedup key [0-9a-f]{32}");
        assertThat(tocsin("event", "change", "-k", CHECKOUT_KEY, "-s", "Deployed v2.4.2").out())
                .isEqualTo("Recorded the change.\n");

        Run wrongKey = tocsin("event", "trigger", "-k", "not-a-key", "-s", "x");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("'routing_key' is not an integration key of any service");
    }

    @Test
    void whoIsOnCall() {
        Run now = tocsin("oncall", "--at", "2026-03-03T12:00:00Z");
        assertThat(now.exit()).as(now.err()).isZero();
        assertThat(now.out()).contains("On call at 2026-03-03 12:00 UTC", "Schedules:", "Escalation policies:", "payments")
                .containsPattern("1\\. .*bo");
        assertThat(tocsin("oncall", "--json").json().has("escalation_policies")).isTrue();
    }

    @Test
    void auditVerifyExitsWith1AndNamesTheFirstAlteredEntry() {
        Run intact = tocsin("audit", "verify");
        assertThat(intact.exit()).isZero();
        assertThat(intact.out()).containsPattern("Audit chain intact: \\d+ entries, head [0-9a-f]{64}");

        String key = unique("cli-tamper");
        enqueue(trigger(CHECKOUT_KEY, key, "Original summary", "info"));
        long seq = jdbc.sql("SELECT seq FROM timeline_event WHERE kind = 'alert.triggered' AND data LIKE :k")
                .param("k", "%" + key + "%").query(Long.class).single();
        String original = jdbc.sql("SELECT data FROM timeline_event WHERE seq = :s").param("s", seq).query(String.class).single();
        try {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s")
                    .param("d", original.replace("Original", "Harmless")).param("s", seq).update();
            Run broken = tocsin("audit", "verify");
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.out()).contains("Audit chain BROKEN at entry " + seq + ":").contains("altered");
        } finally {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s").param("d", original).param("s", seq).update();
        }
    }

    @Test
    void healthExitsWith0OnlyWhenHealthy() {
        Run health = tocsin("health");
        String status = api.get("/api/health/deep").json().get("status").asString();
        assertThat(health.out()).startsWith(status);
        assertThat(health.exit()).isEqualTo("healthy".equals(status) ? 0 : 1);
        assertThat(tocsin("health", "--json").json().has("circuit_breakers")).isTrue();
    }

    @Test
    void checkOnceRunsTheMonitorsOfAFileFromHere() throws IOException {
        LoopbackSink sink = LoopbackSink.shared();
        sink.answer("/cli/ok", LoopbackSink.Answer.status(200, "{\"status\":\"healthy\",\"memory\":{\"percent\":40}}"));
        sink.answer("/cli/degraded", LoopbackSink.Answer.status(200, "{\"status\":\"degraded\"}"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path config = dir.resolve("tocsin.yml");
        Files.writeString(config, """
                severities:
                  - {id: P1, name: High, response_target: 15m}
                services:
                  - id: web
                monitors:
                  - id: home
                    service: web
                    type: http
                    url: "${SINK}/cli/ok"
                    conditions:
                      - expect: '$.status == "healthy"'
                  - id: deep-health
                    service: web
                    type: http
                    url: "${SINK}/cli/degraded"
                    conditions:
                      - expect: '$.status == "healthy"'
                  - id: cache
                    service: web
                    type: tcp
                    host: 127.0.0.1
                    port: %d
                """.formatted(closed));
        Map<String, String> env = Map.of("SINK", sink.baseUrl(), "TOCSIN_CONFIG", config.toString());

        Run all = tocsin(env, "check", "--once");
        assertThat(all.exit()).as(all.err()).isEqualTo(1);
        assertThat(all.out()).containsPattern("home +http +UP ")
                .containsPattern("deep-health +http +CRITICAL .*expected \\$\\.status == \"healthy\"")
                .containsPattern("cache +tcp +CRITICAL ")
                .contains("2 of 3 monitors are not up.");

        Run one = tocsin(env, "check", "--once", "home");
        assertThat(one.exit()).isZero();
        assertThat(one.out()).contains("All 1 monitors are up.").doesNotContain("cache");

        Run json = tocsin(env, "check", "--once", "--json", "cache");
        assertThat(json.json().get(0).get("level").asString()).isEqualTo("critical");
        assertThat(json.json().get(0).get("monitor_id").asString()).isEqualTo("cache");

        Run unknown = tocsin(env, "check", "--once", "nope");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains(config.toString()).contains("no monitor 'nope'");

        Run withoutOnce = tocsin(env, "check");
        assertThat(withoutOnce.exit()).isEqualTo(2);
        assertThat(withoutOnce.err()).contains("--once");

        Files.writeString(config, "severities: soon\n");
        Run invalid = tocsin(env, "check", "--once");
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains(config.toString());
    }

    @Test
    void aBackupIsAConsistentCopyThatOpensAsADatabase() throws Exception {
        String marker = unique("before-backup");
        enqueue(trigger(CHECKOUT_KEY, marker, "in the backup", "info"));
        Path zip = dir.resolve("nightly.zip");

        Run refused = tocsin("backup", "-o", zip.toString(), "--api-key", Http.WRITE_KEY);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("403").contains("admin scope needed");
        assertThat(zip).doesNotExist();

        Run taken = tocsin("backup", "-o", zip.toString());
        assertThat(taken.exit()).as(taken.err()).isZero();
        assertThat(taken.out()).startsWith("Backup written to " + zip);

        // Restoring is unzipping into a data folder: open what was restored as Tocsin would.
        Path restored = Files.createDirectories(dir.resolve("restored"));
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Files.copy(in, restored.resolve(entry.getName()));
            }
        }
        assertThat(restored.resolve("tocsin.mv.db")).exists();
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + restored.resolve("tocsin")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE", "sa", "");
             var alerts = c.prepareStatement("SELECT COUNT(*) FROM alert WHERE dedup_key = ?");
             var backups = c.prepareStatement("SELECT actor FROM timeline_event WHERE kind = 'backup.taken' ORDER BY seq DESC")) {
            alerts.setString(1, marker);
            try (var rs = alerts.executeQuery()) {
                assertThat(rs.next() && rs.getLong(1) == 1).as("the alert sent before the backup").isTrue();
            }
            try (var rs = backups.executeQuery()) {
                assertThat(rs.next()).as("the backup records who took it").isTrue();
                assertThat(rs.getString(1)).startsWith("api-key:");
            }
        }
        try (var left = Files.list(Path.of(dataDir))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no copy left behind on the server")
                    .noneMatch(name -> name.startsWith("backup-"));
        }
    }

    @Test
    void compactShrinksAStoppedDatabaseFile() throws Exception {
        // A database written the way the server writes it: a commit per event, rows updated at random. Closing it
        // does not compact it (H2 compacts for at most 200 ms at close, which a large file outlasts).
        Path data = Files.createDirectories(dir.resolve("data"));
        String url = "jdbc:h2:file:" + data.resolve("tocsin") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0";
        try (var c = java.sql.DriverManager.getConnection(url + ";MAX_COMPACT_TIME=0", "sa", "")) {
            FragmentedWrites.write(c, 3000);
        }
        long before = Files.size(data.resolve("tocsin.mv.db"));

        Run compacted = tocsin(Map.of("TOCSIN_DATA_DIR", data.toString()), "compact");
        assertThat(compacted.exit()).as(compacted.err()).isZero();
        assertThat(compacted.out()).startsWith("Compacted " + data.resolve("tocsin.mv.db"));
        long after = Files.size(data.resolve("tocsin.mv.db"));
        assertThat(after).as("from %d bytes", before).isLessThan(before / 4);
        try (var c = java.sql.DriverManager.getConnection(url, "sa", "");
             var rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(hits) FROM growth")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("every row is still there").isEqualTo(3000);
            assertThat(rs.getLong(2)).isEqualTo(3000);
        }

        Run nothing = tocsin(Map.of(), "compact", "--data-dir", dir.resolve("nowhere").toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("no embedded database at");
    }

    @Test
    void onlyCommandsStopTheServerFromStarting() {
        assertThat(TocsinCli.isCommand(new String[] {"incident", "list"})).isTrue();
        assertThat(TocsinCli.isCommand(new String[] {"--help"})).isTrue();
        assertThat(TocsinCli.isCommand(new String[0])).isFalse();
        assertThat(TocsinCli.isCommand(new String[] {"--server.port=9090"})).isFalse();
        assertThat(TocsinCli.isCommand(new String[] {"incidnet", "list"})).as("a typo is not a server start").isTrue();
        Run typo = tocsin("incidnet", "list");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("incidnet");

        Run help = tocsin("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("incident", "event", "oncall", "audit", "check", "TOCSIN_URL", "Exit codes");
    }
}
