package dev.tocsin.alert;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Alertmanager webhooks, the generic intake and heartbeats, through HTTP. */
class IntegrationsTest extends ApiTest {

    private static String alertmanager(String status, String fingerprint, String alertname, String severity, String summary) {
        String fp = fingerprint == null ? "" : "\"fingerprint\":\"" + fingerprint + "\",";
        return """
                {"version":"4","groupKey":"{}:{alertname=\\"%s\\", fingerprint=\\"%s\\"}","status":"%s","receiver":"tocsin",
                 "groupLabels":{"alertname":"%s"},"commonLabels":{"alertname":"%s"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","truncatedAlerts":0,
                 "alerts":[{"status":"%s","labels":{"alertname":"%s","instance":"web-1:9100","job":"node","severity":"%s"},
                   "annotations":{"summary":"%s"},"startsAt":"2026-03-01T09:59:00Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prometheus:9090/graph?g0.expr=up",%s"x":1}]}"""
                .formatted(alertname, fingerprint, status, alertname, alertname, status, alertname, severity, summary, fp)
                .replace(",\"x\":1", "");
    }

    @Test
    void alertmanagerFiringTriggersAndResolvedResolves() {
        String fingerprint = unique("fp");
        Http.Response firing = anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("firing", fingerprint, "HighErrorRate", "warning", "Error rate above 10% for 5m"));

        assertThat(firing.status()).as(firing.body()).isEqualTo(202);
        JsonNode alert = alerts(fingerprint).get(0);
        assertThat(alert.get("summary").asString()).isEqualTo("Error rate above 10% for 5m");
        assertThat(alert.get("intake").asString()).isEqualTo("alertmanager");
        assertThat(alert.get("severity").asString()).isEqualTo("warning");
        assertThat(alert.get("custom_details").get("labels").get("job").asString()).isEqualTo("node");
        long incidentId = alert.get("incident_id").asLong();
        assertThat(incident(incidentId).get("severity").asString()).isEqualTo("P2");

        anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("firing", fingerprint, "HighErrorRate", "warning", "Error rate above 10% for 5m"));
        assertThat(alerts(fingerprint).get(0).get("event_count").asInt()).isEqualTo(2);

        anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("resolved", fingerprint, "HighErrorRate", "warning", "Error rate above 10% for 5m"));
        assertThat(alerts(fingerprint).get(0).get("status").asString()).isEqualTo("resolved");
        assertThat(incident(incidentId).get("status").asString()).isEqualTo("resolved");
    }

    /** One Alertmanager notification: its group key, and alerts made by {@link #groupAlert}. */
    private Http.Response notification(String groupKey, String... alerts) {
        return notificationWith(groupKey, "", alerts);
    }

    /** The same with more of the notification's fields, {@code fields} a JSON object's members and a trailing comma. */
    private Http.Response notificationWith(String groupKey, String fields, String... alerts) {
        String group = groupKey == null ? "" : "\"groupKey\":\"" + groupKey.replace("\"", "\\\"") + "\",";
        return anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY, "{\"version\":\"4\"," + group + fields
                + "\"status\":\"firing\",\"alerts\":[" + String.join(",", alerts) + "]}");
    }

    private static String groupAlert(String status, String fingerprint, String severity) {
        return """
                {"status":"%s","labels":{"alertname":"NodeDown","instance":"%s","severity":"%s"},
                 "annotations":{"summary":"Node %s is down"},"fingerprint":"%s"}""".formatted(status, fingerprint, severity,
                fingerprint, fingerprint);
    }

    private long incidentOfAlert(String fingerprint) {
        return alerts(fingerprint).get(0).get("incident_id").asLong();
    }

    /**
     * Alertmanager sends a storm as one notification per group: its alerts share one incident (one page), which takes
     * the most urgent severity among them and resolves with the last of them. Once it is resolved, the group's next
     * alert opens a new one.
     */
    @Test
    void theAlertsOfOneAlertmanagerGroupShareOneIncidentWhileItIsOpen() {
        String group = "{}/{team=\"web\"}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}";
        String a = unique("a");
        String b = unique("b");
        String c = unique("c");
        assertThat(notification(group, groupAlert("firing", a, "warning"), groupAlert("firing", b, "warning")).status())
                .isEqualTo(202);
        long incident = incidentOfAlert(a);
        assertThat(incidentOfAlert(b)).isEqualTo(incident);
        assertThat(incident(incident).get("severity").asString()).isEqualTo("P2");
        assertThat(incident(incident).get("title").asString()).isEqualTo("Node " + a + " is down");

        notification(group, groupAlert("firing", a, "warning"), groupAlert("firing", b, "warning"),
                groupAlert("firing", c, "critical"));
        assertThat(incidentOfAlert(c)).as("a new alert of the group joins its open incident").isEqualTo(incident);
        assertThat(alerts(a).get(0).get("event_count").asInt()).isEqualTo(2);
        assertThat(incident(incident).get("severity").asString()).as("raised by the critical alert").isEqualTo("P0");
        JsonNode timeline = api.get("/api/v1/incidents/" + incident + "/timeline?limit=100").json();
        List<String> kinds = new ArrayList<>();
        timeline.forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).containsOnlyOnce("incident.opened").contains("incident.severity_changed");
        assertThat(kinds.stream().filter("alert.triggered"::equals).count()).isEqualTo(3);
        timeline.forEach(e -> {
            if (e.get("kind").asString().equals("incident.opened")) {
                assertThat(e.get("data").get("alert_group").asString()).isEqualTo(group);
            }
        });

        notification(group, groupAlert("resolved", a, "warning"), groupAlert("resolved", b, "warning"),
                groupAlert("firing", c, "critical"));
        assertThat(incident(incident).get("status").asString()).as("c still fires").isEqualTo("triggered");
        notification(group, groupAlert("resolved", c, "critical"));
        assertThat(incident(incident).get("status").asString()).isEqualTo("resolved");

        String d = unique("d");
        notification(group, groupAlert("firing", d, "warning"));
        assertThat(incidentOfAlert(d)).as("the group's incident is resolved: a new one opens").isNotEqualTo(incident);
    }

    /**
     * A group's incident is titled by what its alerts have in common, as Alertmanager's own notification subject is
     * (without the status and count, which change): the summary they all carry, or else the grouping labels' values and,
     * in brackets, those of the other common labels, by label name.
     */
    @Test
    void aGroupsIncidentIsTitledByWhatItsAlertsHaveInCommon() {
        String zone = unique("z");
        String a = unique("a");
        notificationWith("{}:{alertname=\"NodeDown\", zone=\"" + zone + "\"}",
                "\"groupLabels\":{\"zone\":\"" + zone + "\",\"alertname\":\"NodeDown\"},"
                        + "\"commonLabels\":{\"alertname\":\"NodeDown\",\"zone\":\"" + zone + "\",\"team\":\"web\","
                        + "\"severity\":\"warning\"},\"commonAnnotations\":{},",
                groupAlert("firing", a, "warning"), groupAlert("firing", unique("b"), "warning"));
        assertThat(incident(incidentOfAlert(a)).get("title").asString()).isEqualTo("NodeDown " + zone + " (warning web)");
        assertThat(alerts(a).get(0).get("summary").asString()).as("each alert keeps its own")
                .isEqualTo("Node " + a + " is down");

        String c = unique("c");
        notificationWith("{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}",
                "\"groupLabels\":{\"alertname\":\"NodeDown\"},\"commonLabels\":{\"alertname\":\"NodeDown\"},"
                        + "\"commonAnnotations\":{\"summary\":\"Several nodes of zone b are down\"},",
                groupAlert("firing", c, "warning"), groupAlert("firing", unique("d"), "warning"));
        assertThat(incident(incidentOfAlert(c)).get("title").asString()).isEqualTo("Several nodes of zone b are down");

        Http.Response wrongType = notificationWith("{}:{alertname=\"NodeDown\"}", "\"groupLabels\":{\"zone\":3},",
                groupAlert("firing", unique("e"), "warning"));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("errors").get(0).get("field").asString()).isEqualTo("groupLabels.zone");
    }

    @Test
    void anotherGroupOrNoGroupKeyOpensIncidentsOfTheirOwn() {
        String a = unique("a");
        String b = unique("b");
        notification("{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}", groupAlert("firing", a, "warning"));
        notification("{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}", groupAlert("firing", b, "warning"));
        assertThat(incidentOfAlert(a)).isNotEqualTo(incidentOfAlert(b));

        String c = unique("c");
        String d = unique("d");
        notification(null, groupAlert("firing", c, "warning"), groupAlert("firing", d, "warning"));
        assertThat(incidentOfAlert(c)).as("no group key: an incident per alert").isNotEqualTo(incidentOfAlert(d));
    }

    /** Within one notification too: the group's incident resolves with its last alert, and the next alert opens another. */
    @Test
    void aGroupsIncidentResolvedWithinOneNotificationIsNotJoinedAfterwards() {
        String group = "{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}";
        String a = unique("a");
        String b = unique("b");
        notification(group, groupAlert("firing", a, "warning"), groupAlert("resolved", a, "warning"),
                groupAlert("firing", b, "warning"));
        assertThat(incident(incidentOfAlert(a)).get("status").asString()).isEqualTo("resolved");
        assertThat(incidentOfAlert(b)).isNotEqualTo(incidentOfAlert(a));
        assertThat(incident(incidentOfAlert(b)).get("status").asString()).isEqualTo("triggered");

        // Alerts joining and resolving in turn: the incident stays open until the last of them resolves.
        String c = unique("c");
        String d = unique("d");
        notification(group, groupAlert("firing", c, "warning"), groupAlert("resolved", b, "warning"),
                groupAlert("firing", d, "warning"), groupAlert("resolved", c, "warning"));
        long incident = incidentOfAlert(b);
        assertThat(List.of(incidentOfAlert(c), incidentOfAlert(d))).containsOnly(incident);
        assertThat(incident(incident).get("status").asString()).as("d still fires").isEqualTo("triggered");
        notification(group, groupAlert("resolved", d, "warning"));
        assertThat(incident(incident).get("status").asString()).isEqualTo("resolved");
    }

    @Test
    void aGroupsIncidentResolvedByHandIsNotJoinedAfterwards() {
        String group = "{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}";
        String a = unique("a");
        notification(group, groupAlert("firing", a, "warning"));
        long first = incidentOfAlert(a);
        assertThat(api.post("/api/v1/incidents/" + first + "/resolve", "{\"resolution\":\"rebooted\"}").status())
                .isEqualTo(200);
        String b = unique("b");
        notification(group, groupAlert("firing", b, "warning"));
        assertThat(incidentOfAlert(b)).isNotEqualTo(first);
        Http.Response wrongType = anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                "{\"version\":\"4\",\"groupKey\":7,\"alerts\":[" + groupAlert("firing", unique("f"), "warning") + "]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("errors").get(0).get("field").asString()).isEqualTo("groupKey");
    }

    /** A receiver with max_alerts sends that many alerts and counts the rest: each alert sent says how many were not. */
    @Test
    void alertsAlertmanagerLeftOutAreCountedOnTheAlertsItSent() {
        String group = "{}:{alertname=\"NodeDown\", zone=\"" + unique("z") + "\"}";
        String a = unique("a");
        Http.Response r = notificationWith(group, "\"truncatedAlerts\":37,", groupAlert("firing", a, "warning"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("truncated_alerts").asLong()).isEqualTo(37);
        assertThat(alerts(a).get(0).get("custom_details").get("truncated_alerts").asLong()).isEqualTo(37);

        String b = unique("b");
        Http.Response none = notificationWith(group, "\"truncatedAlerts\":0,", groupAlert("firing", b, "warning"));
        assertThat(none.json().has("truncated_alerts")).isFalse();
        assertThat(alerts(b).get(0).get("custom_details").has("truncated_alerts")).isFalse();

        for (String bad : List.of("-1", "1.5", "\"many\"", "99999999999999999999")) {
            Http.Response refused = notificationWith(group, "\"truncatedAlerts\":" + bad + ",",
                    groupAlert("firing", unique("c"), "warning"));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("truncatedAlerts");
        }
    }

    @Test
    void alertsInOneWebhookAreAppliedInTheOrderTheyCame() {
        // Each fingerprint fires and then resolves within the one payload. The intake's writers take turns; if a
        // later batch could be applied before an earlier one, some resolve would find no open alert and its alert
        // would stay open. (env=staging is suppressed by the test config: alerts only, no incidents on the status page.)
        List<String> fingerprints = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            String fingerprint = unique("order-" + i);
            fingerprints.add(fingerprint);
            for (String status : List.of("firing", "resolved")) {
                body.append(body.isEmpty() ? "" : ",").append("""
                        {"status":"%s","labels":{"alertname":"Ordered","n":"%d","env":"staging"},"fingerprint":"%s"}"""
                        .formatted(status, i, fingerprint));
            }
        }
        Http.Response sent = anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[" + body + "]}");

        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        for (String fingerprint : fingerprints) {
            JsonNode found = alerts(fingerprint);
            assertThat(found.size()).as(fingerprint).isEqualTo(1);
            assertThat(found.get(0).get("status").asString()).as(fingerprint).isEqualTo("resolved");
        }
    }

    @Test
    void alertmanagerWithoutFingerprintDeduplicatesByLabels() {
        String name = unique("DiskFull");
        Http.Response first = anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("firing", null, name, "critical", "Disk full"));
        Http.Response second = anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("firing", null, name, "critical", "Disk full"));

        String key = first.json().get("dedup_keys").get(0).asString();
        assertThat(key).startsWith("labels:");
        assertThat(second.json().get("dedup_keys").get(0).asString()).isEqualTo(key);
        assertThat(alerts(key).get(0).get("event_count").asInt()).isEqualTo(2);
    }

    /** curl -d @alerts.json sends JSON with a form's Content-Type; it is read as the JSON it is. */
    @Test
    void alertmanagerJsonSentWithAFormContentTypeStillWorks() {
        String fingerprint = unique("fp");
        Http.Response r = anonymous.postForm("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY,
                alertmanager("firing", fingerprint, "DiskFull", "warning", "Disk 95% full & rising + fast"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(alerts(fingerprint).get(0).get("summary").asString()).isEqualTo("Disk 95% full & rising + fast");
    }

    @Test
    void alertmanagerPayloadErrorsNameTheField() {
        String base = "/api/v1/integrations/alertmanager/" + CHECKOUT_KEY;
        assertThat(anonymous.post(base, "{\"version\":\"4\"}").json().get("errors").get(0).get("field").asString())
                .isEqualTo("alerts");
        assertThat(anonymous.post(base, "{\"version\":\"3\",\"alerts\":[]}").json().get("errors").get(0).get("field").asString())
                .isEqualTo("version");
        Http.Response badStatus = anonymous.post(base, "{\"alerts\":[{\"status\":\"burning\",\"labels\":{\"a\":\"b\"}}]}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("errors").get(0).get("field").asString()).isEqualTo("alerts[0].status");
        assertThat(anonymous.post(base, "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":1}}]}").status()).isEqualTo(400);
        assertThat(anonymous.post(base, "{\"alerts\":[{\"status\":\"firing\"}]}").status()).isEqualTo(400);
        assertThat(anonymous.post(base, "not json").status()).isEqualTo(400);
        assertThat(anonymous.post("/api/v1/integrations/alertmanager/unknown-key-00000000", "{\"alerts\":[]}").status())
                .isEqualTo(404);
    }

    @Test
    void alertmanagerSeverityLabelsMapOntoPagerDutyLevels() {
        assertThat(AlertmanagerController.severity("page")).isEqualTo("critical");
        assertThat(AlertmanagerController.severity("warning")).isEqualTo("warning");
        assertThat(AlertmanagerController.severity("info")).isEqualTo("info");
        assertThat(AlertmanagerController.severity(null)).isEqualTo("critical");
    }

    @Test
    void genericIntakeTakesJsonFormAndQueryFieldsAndAnswers204() {
        String dedup = unique("cron-failed");
        Http.Response json = anonymous.post("/api/v1/integrations/generic/" + BILLING_KEY,
                "{\"summary\":\"Invoice export failed\",\"details\":\"exit code 2\",\"dedup\":\"" + dedup + "\"}");
        assertThat(json.status()).isEqualTo(204);
        JsonNode alert = alerts(dedup).get(0);
        assertThat(alert.get("custom_details").get("details").asString()).isEqualTo("exit code 2");

        Http.Response form = anonymous.postForm("/api/v1/integrations/generic/" + BILLING_KEY,
                "summary=Invoice+export+failed&dedup=" + dedup);
        assertThat(form.status()).isEqualTo(204);
        assertThat(alerts(dedup).get(0).get("event_count").asInt()).isEqualTo(2);

        Http.Response close = anonymous.post("/api/v1/integrations/generic/" + BILLING_KEY + "?action=close&dedup=" + dedup, null);
        assertThat(close.status()).isEqualTo(204);
        assertThat(alerts(dedup).get(0).get("status").asString()).isEqualTo("resolved");
    }

    /** A Content-Type that is not a media type is the sender's mistake: a 400, not a 500. */
    @Test
    void genericIntakeWithAMalformedContentTypeIsA400() {
        String url = "/api/v1/integrations/generic/" + BILLING_KEY + "?summary=" + unique("odd-type");
        for (String type : List.of("nonsense", "application/json;;", "text/plain; charset=\"")) {
            Http.Response r = anonymous.send(anonymous.request(url).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertThat(r.status()).as(type + ": " + r.body()).isLessThan(500);
        }
    }

    @Test
    void genericIntakeWithoutDedupGroupsBySummaryAndDetails() {
        String summary = unique("Backup failed");
        anonymous.postForm("/api/v1/integrations/generic/" + BILLING_KEY, "summary=" + summary);
        anonymous.postForm("/api/v1/integrations/generic/" + BILLING_KEY, "summary=" + summary);
        JsonNode found = api.get("/api/v1/alerts?service=billing&limit=500").json();
        long matching = found.findValuesAsString("summary").stream().filter(summary::equals).count();
        assertThat(matching).isEqualTo(1);
    }

    @Test
    void genericIntakeRefusesBadInput() {
        String url = "/api/v1/integrations/generic/" + BILLING_KEY;
        Http.Response noSummary = anonymous.post(url, "{\"details\":\"d\"}");
        assertThat(noSummary.status()).isEqualTo(400);
        assertThat(noSummary.json().get("errors").get(0).get("field").asString()).isEqualTo("summary");
        assertThat(anonymous.post(url, "{\"summary\":\"s\",\"action\":\"explode\"}").status()).isEqualTo(400);
        assertThat(anonymous.post(url, "{\"summary\":{\"nested\":1}}").status()).isEqualTo(400);
        assertThat(anonymous.post(url, "[]").status()).isEqualTo(400);
        assertThat(anonymous.post(url, "{\"summary\":\"" + "s".repeat(1025) + "\"}").status()).isEqualTo(400);
        assertThat(anonymous.post("/api/v1/integrations/generic/nope-nope-nope-nope", "{\"summary\":\"s\"}").status())
                .isEqualTo(404);
    }

    @Test
    void aMissedHeartbeatTriggersAnAlertAndTheNextPingResolvesIt() {
        // The heartbeat (1 h interval, 5 min grace) was declared when the app started; ping it now to start clean.
        assertThat(anonymous.get("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(64));
        engine.runCycle();
        assertThat(alerts("heartbeat:nightly-backup").findValuesAsString("status")).doesNotContain("triggered");

        clock.advance(Duration.ofMinutes(2));
        engine.runCycle();
        JsonNode missed = alerts("heartbeat:nightly-backup").get(0);
        assertThat(missed.get("status").asString()).isEqualTo("triggered");
        assertThat(missed.get("summary").asString()).contains("nightly-backup", "missed");
        long incidentId = missed.get("incident_id").asLong();
        JsonNode incident = incident(incidentId);
        assertThat(incident.get("service").asString()).isEqualTo("batch");
        assertThat(incident.get("severity").asString()).as("the heartbeat's configured severity, error").isEqualTo("P1");

        engine.runCycle();
        assertThat(alerts("heartbeat:nightly-backup").get(0).get("event_count").asInt()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(65));
        engine.runCycle();
        assertThat(alerts("heartbeat:nightly-backup").get(0).get("event_count").asInt())
                .as("still no ping an interval and grace later: raised again").isEqualTo(2);

        assertThat(anonymous.post("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup", null).status()).isEqualTo(200);
        assertThat(alerts("heartbeat:nightly-backup").get(0).get("status").asString()).isEqualTo("resolved");
        assertThat(incident(incidentId).get("status").asString()).isEqualTo("resolved");
        JsonNode beat = api.get("/api/v1/heartbeats").json().get(0);
        assertThat(beat.get("state").asString()).isEqualTo("up");
        assertThat(beat.get("due_at").asString()).isEqualTo(clock.instant().plus(Duration.ofMinutes(65)).toString());
    }

    /** A miss that a maintenance window silenced pages at the first reminder after the window, if still no ping. */
    @Test
    void aHeartbeatMissedDuringMaintenancePagesOnceTheWindowIsOver() {
        assertThat(anonymous.get("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup").status()).isEqualTo(200);
        Instant now = clock.instant();
        assertThat(api.post("/api/v1/maintenance-windows", """
                {"service":"batch","start":"%s","end":"%s","reason":"Storage migration"}"""
                .formatted(now, now.plus(Duration.ofHours(2)))).status()).isEqualTo(201);
        clock.advance(Duration.ofMinutes(66));
        engine.runCycle();
        JsonNode held = alerts("heartbeat:nightly-backup").get(0);
        assertThat(held.get("status").asString()).isEqualTo("triggered");
        assertThat(held.get("incident_id").isNull()).as("silenced by the window").isTrue();

        clock.advance(Duration.ofMinutes(65)); // the window ended at 120 minutes
        engine.runCycle();
        JsonNode paged = alerts("heartbeat:nightly-backup").get(0);
        assertThat(paged.get("id").asLong()).isEqualTo(held.get("id").asLong());
        assertThat(paged.get("incident_id").isNull()).as("the reminder after the window opens the incident").isFalse();

        assertThat(anonymous.post("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup", null).status()).isEqualTo(200);
        assertThat(incident(paged.get("incident_id").asLong()).get("status").asString()).isEqualTo("resolved");
    }

    /** As healthchecks.io's: {@code /fail} or a non-zero exit status raises the alert now, with the job's log. */
    @Test
    void aJobThatReportsAFailureTriggersAtOnceAndItsNextSuccessResolvesIt() {
        String url = "/api/v1/heartbeat/" + BATCH_KEY + "/weekly-report";
        assertThat(anonymous.get(url).status()).isEqualTo(200);
        Http.Response failed = anonymous.send(anonymous.request(url + "/fail").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("copied 1,204 files\nERROR: disk full 🔥\n")));
        assertThat(failed.status()).as(failed.body()).isEqualTo(200);
        JsonNode alert = alerts("heartbeat:weekly-report").get(0);
        assertThat(alert.get("status").asString()).isEqualTo("triggered");
        assertThat(alert.get("summary").asString()).isEqualTo("Heartbeat 'weekly-report' reported a failure");
        assertThat(alert.get("custom_details").get("log").asString()).isEqualTo("copied 1,204 files\nERROR: disk full 🔥");
        assertThat(incident(alert.get("incident_id").asLong()).get("severity").asString()).isEqualTo("P2");
        assertThat(state("weekly-report")).isEqualTo("down");

        assertThat(anonymous.get(url + "/0").status()).as("exit status 0: success").isEqualTo(200);
        assertThat(alerts("heartbeat:weekly-report").get(0).get("status").asString()).isEqualTo("resolved");
        assertThat(state("weekly-report")).isEqualTo("up");

        // curl -fsS --data-binary @job.log "$URL/$?": a form content type, a long log kept by its end.
        Http.Response exit2 = anonymous.postForm(url + "/2", "x".repeat(20_000) + "\u0000Traceback: the end");
        assertThat(exit2.status()).as(exit2.body()).isEqualTo(200);
        JsonNode second = alerts("heartbeat:weekly-report").get(0);
        assertThat(second.get("id").asLong()).isNotEqualTo(alert.get("id").asLong());
        String log = second.get("custom_details").get("log").asString();
        assertThat(log).hasSize(HeartbeatController.MAX_LOG).startsWith("…x").endsWith("\uFFFDTraceback: the end");
        assertThat(anonymous.post(url, null).status()).isEqualTo(200);
        assertThat(alerts("heartbeat:weekly-report").get(0).get("status").asString()).isEqualTo("resolved");

        for (String outcome : List.of("256", "maybe", "-1")) {
            Http.Response bad = anonymous.get(url + "/" + outcome);
            assertThat(bad.status()).as(outcome).isEqualTo(400);
            assertThat(bad.body()).contains("outcome", "expected 'fail' or an exit status from 0 to 255");
        }
        assertThat(anonymous.get("/api/v1/heartbeat/" + BATCH_KEY + "/no-such-job/fail").status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/heartbeat/" + BATCH_KEY + "/no-such-job/maybe").status())
                .as("an unknown heartbeat is that first").isEqualTo(404);
    }

    private String state(String heartbeat) {
        for (JsonNode beat : api.get("/api/v1/heartbeats").json()) {
            if (beat.get("name").asString().equals(heartbeat)) {
                return beat.get("state").asString();
            }
        }
        throw new AssertionError("no heartbeat " + heartbeat);
    }

    @Test
    void unknownHeartbeatsAndKeysAre404() {
        assertThat(anonymous.get("/api/v1/heartbeat/" + BATCH_KEY + "/no-such-job").status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/heartbeat/" + CHECKOUT_KEY + "/nightly-backup").status()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/heartbeat/not-a-key-at-all-000/nightly-backup").status()).isEqualTo(404);
    }
}
