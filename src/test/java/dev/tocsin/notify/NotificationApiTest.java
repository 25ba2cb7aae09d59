package dev.tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestReceivers;
import dev.tocsin.engine.Timers;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications end to end: incidents and API calls enqueue messages, {@link Delivery} sends them to real receivers
 * on loopback (the HTTP sink in the place of Slack, Discord, Teams and webhooks; GreenMail for SMTP), and what
 * arrives is checked against each provider's format.
 */
class NotificationApiTest extends ApiTest {

    private static final String STOREFRONT_KEY = "test-storefront-key-0001";
    private static final String BURSTY_KEY = "test-bursty-key-00000001";
    private static final String REFUSING_KEY = "test-refusing-key-000001";

    @Autowired
    Delivery delivery;

    @Autowired
    Timers timers;

    @Autowired
    Outbox messages;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    private final LoopbackSink sink = TestReceivers.sink();

    private long testBegan;

    @BeforeEach
    void markTheStart() {
        testBegan = System.nanoTime();
    }

    /**
     * The requests to a path since this test began: the sink serves the whole JVM, where the same test on the other
     * database (PostgresNotificationApiTest) has sent to the same paths.
     */
    private List<LoopbackSink.Request> receivedByThisTest(String path) {
        return sink.requests(path).stream().filter(r -> r.receivedNanos() - testBegan >= 0).toList();
    }

    private long open(String routingKey, String summary, String severity) {
        String dedup = unique("n");
        assertThat(enqueue(trigger(routingKey, dedup, summary, severity)).status()).isEqualTo(202);
        await("the incident of " + dedup, () -> alerts(dedup).size() == 1 && !alerts(dedup).get(0).get("incident_id").isNull());
        return incidentOf(dedup);
    }

    private void drain() {
        assertThat(delivery.drain(Duration.ofSeconds(30))).as("everything due was delivered").isTrue();
    }

    private JsonNode outbox(long incident) {
        return api.get("/api/v1/outbox?incident=" + incident).json();
    }

    private static LoopbackSink.Request only(List<LoopbackSink.Request> requests, String token) {
        List<LoopbackSink.Request> matching = requests.stream().filter(r -> r.body().contains(token)).toList();
        assertThat(matching).as("requests carrying " + token).hasSize(1);
        return matching.get(0);
    }

    private List<String> timelineKinds(long incident) {
        List<String> kinds = new ArrayList<>();
        api.get("/api/v1/incidents/" + incident + "/timeline?limit=1000").json()
                .forEach(e -> kinds.add(e.get("kind").asString()));
        return kinds;
    }

    private JsonNode timelineEvent(long incident, String kind) {
        for (JsonNode e : api.get("/api/v1/incidents/" + incident + "/timeline?limit=1000").json()) {
            if (e.get("kind").asString().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no " + kind + " on the timeline of incident " + incident);
    }

    @Test
    void anOpenedIncidentReachesEveryRoutedChannelInThatChannelsOwnFormat() throws Exception {
        String token = unique("tok");
        long id = open(STOREFRONT_KEY, "<script>alert(1)</script> *" + token + "* @everyone", "critical");
        JsonNode rows = outbox(id);
        assertThat(rows).hasSize(5);
        rows.forEach(r -> assertThat(r.get("destination").asString()).startsWith("channel:"));

        drain();
        outbox(id).forEach(r -> assertThat(r.get("status").asString()).as(r.get("destination").asString()).isEqualTo("sent"));

        JsonNode slack = Http.parse(only(sink.requests("/slack/ops"), token).body());
        assertThat(slack.get("text").asString()).contains("&lt;script&gt;").doesNotContain("<script>");
        JsonNode attachment = slack.get("attachments").get(0);
        assertThat(attachment.get("color").asString()).as("P0 is red").isEqualTo("#D00000");
        assertThat(attachment.get("fallback").asString()).contains("&lt;script&gt;").doesNotContain("<script>");
        JsonNode section = attachment.get("blocks").get(0);
        assertThat(section.get("type").asString()).isEqualTo("section");
        assertThat(section.get("text").get("type").asString()).isEqualTo("mrkdwn");
        assertThat(section.get("text").get("text").asString()).contains("INCIDENT DETECTED", "Severity: P0 (Critical)",
                "Service: Storefront", "&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        JsonNode buttons = attachment.get("blocks").get(1).get("elements");
        assertThat(buttons.get(0).get("text").get("text").asString()).isEqualTo("Acknowledge");
        assertThat(buttons.get(0).get("style").asString()).isEqualTo("danger");
        assertThat(buttons.get(1).get("url").asString()).endsWith("/incidents/" + id);

        JsonNode discord = Http.parse(only(sink.requests("/discord/ops"), token).body());
        assertThat(discord.get("allowed_mentions").get("parse")).as("no @everyone from an alert summary").isEmpty();
        JsonNode embed = discord.get("embeds").get(0);
        assertThat(embed.get("color").asInt()).isEqualTo(0xD00000);
        assertThat(embed.get("url").asString()).endsWith("/incidents/" + id);
        assertThat(embed.get("description").asString()).contains("\\*" + token + "\\*", "\\@everyone", "alert\\(1\\)");
        assertThat(embed.get("title").asString()).contains("#" + id);
        assertThat(embed.get("fields").get(0).get("value").asString()).startsWith("[Acknowledge this incident](http");

        JsonNode teams = Http.parse(only(sink.requests("/teams/ops"), token).body());
        assertThat(teams.get("type").asString()).isEqualTo("message");
        JsonNode card = teams.get("attachments").get(0);
        assertThat(card.get("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.get("content").get("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.get("content").get("version").asString()).isEqualTo("1.4");
        assertThat(card.get("content").get("body").get(0).get("style").asString()).isEqualTo("attention");
        assertThat(card.get("content").get("actions").get(0).get("type").asString()).isEqualTo("Action.OpenUrl");

        LoopbackSink.Request hook = only(sink.requests("/hook/audit"), token);
        JsonNode webhook = Http.parse(hook.body());
        assertThat(webhook.get("type").asString()).isEqualTo("tocsin.message");
        assertThat(webhook.get("kind").asString()).isEqualTo("opened");
        assertThat(hook.header("Idempotency-Key")).isEqualTo(webhook.get("idempotency_key").asString())
                .isEqualTo("opened:" + id + ":channel:audit");
        assertThat(webhook.get("facts").get("incident_id").asLong()).isEqualTo(id);
        assertThat(webhook.get("text").asString()).as("JSON needs no markup escaping").contains("<script>alert(1)</script>");
        String timestamp = hook.header("X-Tocsin-Timestamp");
        assertThat(Long.parseLong(timestamp)).isEqualTo(clock.instant().getEpochSecond());
        assertThat(hook.header("X-Tocsin-Signature")).isEqualTo("v1=" + hmac("test-webhook-secret", timestamp + "." + hook.body()));
        assertThat(hook.header("webhook-signature")).as("a library given whsec_ and the base64 of the secret's text")
                .isEqualTo(standardSignature("whsec_" + Base64.getEncoder().encodeToString(
                        "test-webhook-secret".getBytes(StandardCharsets.UTF_8)), hook));

        MimeMessage mail = email(token);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("stakeholders@example.com");
        assertThat(mail.getFrom()[0].toString()).contains("tocsin@example.com");
        assertThat(mail.getHeader("In-Reply-To")[0]).isEqualTo("<tocsin.incident." + id + "@example.com>");
        assertThat(mail.getHeader("References")[0]).isEqualTo("<tocsin.incident." + id + "@example.com>");
        Multipart parts = (Multipart) mail.getContent();
        String text = partOf(parts, "text/plain");
        String html = partOf(parts, "text/html");
        assertThat(text).contains("<script>alert(1)</script>", "INCIDENT DETECTED");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
        assertThat(html).as("stakeholders get no acknowledge link").doesNotContain("/ack/");

        // Whoever reads the Slack channel first takes the incident from the message.
        String ack = buttons.get(0).get("url").asString();
        String ackToken = ack.substring(ack.indexOf("/ack/") + 5);
        assertThat(api.get("/api/v1/outbox?incident=" + id).body()).as("a write key sees the link").contains(ackToken);
        assertThat(api.as(Http.READ_KEY).get("/api/v1/outbox?incident=" + id).body())
                .as("a read-only key must not be able to acknowledge through a link it reads")
                .doesNotContain(ackToken).contains("/ack/(hidden from read-only keys)");
        assertThat(anonymous.post(ack.substring(ack.indexOf("/ack/")), null).status()).isEqualTo(200);
        assertThat(incident(id).get("status").asString()).isEqualTo("acknowledged");
        assertThat(timelineEvent(id, "incident.acknowledged").get("actor").asString()).isEqualTo("channel:ops-slack");
    }

    @Test
    void statusUpdatesGoToStakeholderChannelsInTheSeedTemplatesAndTheResolutionToo() throws Exception {
        String token = unique("upd");
        long id = open(STOREFRONT_KEY, "Checkout down " + token, "critical");
        assertThat(api.post("/api/v1/incidents/" + id + "/updates",
                "{\"message\":\"Rolled back deploy 42 " + token + "\",\"status\":\"identified\"}").status()).isEqualTo(200);
        drain();
        // Seed 003's P0 template, for the most urgent severity.
        // Slack takes one message a second: the opening and the update, both waiting, share one request.
        String update = sink.requests("/slack/ops").stream()
                .flatMap(r -> Http.parse(r.body()).get("attachments").valueStream())
                .map(a -> a.get("blocks").get(0).get("text").get("text").asString())
                .filter(t -> t.contains("Rolled back deploy 42 " + token)).findFirst().orElseThrow();
        assertThat(update)
                .contains("P0 INCIDENT: Checkout down", "Status: IDENTIFIED", "Current Action: Rolled back deploy 42",
                        "Next Update: when resolved", "Status Page: http://localhost:");

        assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{\"resolution\":\"cache flushed " + token + "\"}")
                .status()).isEqualTo(200);
        drain();
        JsonNode embed = sink.requests("/discord/ops").stream()
                .flatMap(r -> Http.parse(r.body()).get("embeds").valueStream())
                .filter(e -> e.get("description").asString().contains("cache flushed " + token)).findFirst().orElseThrow();
        assertThat(embed.get("description").asString()).contains("INCIDENT RESOLVED", "Resolution: cache flushed",
                "post-mortem within 48 hours");
        assertThat(embed.get("color").asInt()).as("resolved is green").isEqualTo(0x2EB67D);

        List<MimeMessage> thread = emails(token + " (#" + id + ")");
        assertThat(thread).as("opened, update, resolved").hasSize(3);
        for (MimeMessage m : thread) {
            assertThat(m.getHeader("In-Reply-To")[0]).isEqualTo("<tocsin.incident." + id + "@example.com>");
        }
        assertThat(outbox(id)).extracting(m -> m.get("purpose").asString()).containsOnly("opened", "update", "resolved");
    }

    @Test
    void aLessUrgentUpdateUsesSeed004sGeneralTemplate() {
        String token = unique("p2");
        long id = open(STOREFRONT_KEY, "Slow search " + token, "warning");
        api.post("/api/v1/incidents/" + id + "/updates", "{\"message\":\"Index rebuilding " + token + "\"}");
        drain();
        String text = Http.parse(only(sink.requests("/hook/audit"), "Index rebuilding " + token).body()).get("text").asString();
        assertThat(text).contains("INCIDENT UPDATE: Slow search", "Progress: Index rebuilding", "Next update: 2026-");
    }

    @Test
    void aPreviewRendersATemplateForAnIncidentWithoutSendingAnything() {
        long id = open(STOREFRONT_KEY, "Preview me *please*", "critical");
        int before = outbox(id).size();
        Http.Response preview = api.get("/api/v1/incidents/" + id
                + "/messages/preview?kind=update&format=discord&message=Draining%20the%20queue");
        assertThat(preview.status()).isEqualTo(200);
        JsonNode p = preview.json();
        assertThat(p.get("subject").asString()).isEqualTo("[P0] Storefront: Preview me *please* (#" + id + ")");
        assertThat(p.get("text").asString()).contains("Current Action: Draining the queue", "Preview me \\*please\\*");
        assertThat(p.get("payload").get("embeds").get(0).get("description").asString()).contains("Draining the queue");

        JsonNode email = api.get("/api/v1/incidents/" + id + "/messages/preview?kind=opened&channel=stakeholders")
                .json().get("payload");
        assertThat(email.get("html").asString()).contains("<!doctype html>", "INCIDENT DETECTED");

        assertThat(outbox(id)).hasSize(before);
        Http.Response bad = api.get("/api/v1/incidents/" + id + "/messages/preview?format=pigeon");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("format");
        assertThat(api.get("/api/v1/incidents/" + id + "/messages/preview?kind=gossip").status()).isEqualTo(400);

        JsonNode templates = api.get("/api/v1/templates").json();
        assertThat(templates.toString()).contains("\"kind\":\"update\",\"severity\":\"P0\"", "\"kind\":\"update\",\"severity\":\"all\"");
    }

    @Test
    void serverErrorsAreRetriedWithBackOffAndRetryAfterIsHonoured() {
        sink.script("/hook/flaky", Answer.status(503), Answer.retryAfter("120"));
        Http.Response first = api.post("/api/v1/channels/flaky/test", "");
        assertThat(first.status()).isEqualTo(502);
        JsonNode m = first.json();
        assertThat(m.get("status").asString()).isEqualTo("pending");
        assertThat(m.get("http_status").asInt()).isEqualTo(503);
        Instant next = Instant.parse(m.get("next_attempt_at").asString());
        assertThat(next).as("10 s back-off with equal jitter")
                .isBetween(clock.instant().plusSeconds(5), clock.instant().plusSeconds(10));

        clock.advance(Duration.ofSeconds(11));
        drain();
        JsonNode second = api.get("/api/v1/outbox?status=pending&limit=1000").json();
        JsonNode row = find(second, m.get("message_id").asLong());
        assertThat(row.get("last_status").asInt()).isEqualTo(429);
        assertThat(Instant.parse(row.get("next_attempt_at").asString())).as("Retry-After: 120")
                .isEqualTo(clock.instant().plusSeconds(120));

        clock.advance(Duration.ofSeconds(121));
        drain();
        JsonNode sent = find(api.get("/api/v1/outbox?status=sent&limit=1000").json(), m.get("message_id").asLong());
        assertThat(sent.get("attempts").asInt()).as("the 503 and the 200; a rate limit counts no attempt").isEqualTo(2);
        List<LoopbackSink.Request> requests = receivedByThisTest("/hook/flaky");
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(r -> r.header("Idempotency-Key")).as("one key for every attempt").containsOnly(
                requests.get(0).header("Idempotency-Key"));
    }

    /**
     * Standard Webhooks (standardwebhooks.com): a library verifies {@code webhook-signature} over
     * {@code webhook-id.webhook-timestamp.body}; the id is the same on every attempt, so that a receiver can drop
     * repeats, while the timestamp and the signature are the attempt's own, so that a receiver can drop replays.
     */
    @Test
    void aSignedWebhookCarriesStandardWebhooksHeadersWithOneIdOnEveryAttempt() throws Exception {
        sink.script("/hook/standard", Answer.status(503));
        assertThat(api.post("/api/v1/channels/standard-hook/test", "").status()).isEqualTo(502);
        clock.advance(Duration.ofSeconds(11));
        drain();

        List<LoopbackSink.Request> attempts = receivedByThisTest("/hook/standard");
        assertThat(attempts).hasSize(2);
        LoopbackSink.Request refused = attempts.get(0);
        LoopbackSink.Request sent = attempts.get(1);
        assertThat(sent.header("webhook-id")).as("one id for every attempt").isEqualTo(refused.header("webhook-id"))
                .matches("msg_[0-9a-f]{32}");
        assertThat(Long.parseLong(sent.header("webhook-timestamp"))).as("the attempt's own time")
                .isEqualTo(clock.instant().getEpochSecond())
                .isGreaterThanOrEqualTo(Long.parseLong(refused.header("webhook-timestamp")) + 11);
        assertThat(sent.header("webhook-signature")).isNotEqualTo(refused.header("webhook-signature"));
        for (LoopbackSink.Request attempt : attempts) {
            String timestamp = attempt.header("webhook-timestamp");
            assertThat(attempt.header("webhook-signature")).as("keyed with the bytes the whsec_ secret encodes")
                    .isEqualTo(standardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", attempt));
            assertThat(attempt.header("X-Tocsin-Timestamp")).isEqualTo(timestamp);
            assertThat(attempt.header("X-Tocsin-Signature")).as("Tocsin's own scheme, keyed with the text as before")
                    .isEqualTo("v1=" + hmac("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", timestamp + "." + attempt.body()));
        }
    }

    private static final String NEW_KEY = "whsec_hFc3/mSJ3xlGB8BQRy2vPjTW2dDfNth6bMVk18WeVeI=";
    /** The old secret, "old-webhook-secret" as text, as a Standard Webhooks library is given it. */
    private static final String OLD_KEY = "whsec_" + Base64.getEncoder().encodeToString(
            "old-webhook-secret".getBytes(StandardCharsets.UTF_8));

    /**
     * A secret being rotated (test-tocsin.yml: {@code secret} new, {@code previous_secret} old), to a channel and to a
     * person's webhook: a Standard Webhooks receiver that still holds only the old key and one that already holds
     * only the new one both verify the same request; one holding neither does not. Tocsin's own signature stays one
     * value under the new key, and the old key's is in X-Tocsin-Signature-Previous.
     */
    @Test
    void aRotatingSecretSignsForAReceiverHoldingEitherTheOldOrTheNewKey() throws Exception {
        Http.Response channel = api.post("/api/v1/channels/rotating/test", "");
        assertThat(channel.status()).as(channel.body()).isEqualTo(200);
        Http.Response person = api.post("/api/v1/users/vic/contact-methods/rotating-hook/test", "");
        assertThat(person.status()).as(person.body()).isEqualTo(200);

        List<LoopbackSink.Request> requests = new ArrayList<>(receivedByThisTest("/hook/rotating"));
        requests.addAll(receivedByThisTest("/hook/vic"));
        assertThat(requests).hasSize(2);
        for (LoopbackSink.Request request : requests) {
            assertThat(request.header("webhook-signature").split(" ")).as("one signature per key").hasSize(2);
            assertThat(verifiedBy(NEW_KEY, request)).as("a receiver holding the new key").isTrue();
            assertThat(verifiedBy(OLD_KEY, request)).as("a receiver still holding the old key").isTrue();
            assertThat(verifiedBy("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", request))
                    .as("a receiver holding another key").isFalse();
            String timestamp = request.header("X-Tocsin-Timestamp");
            assertThat(request.header("X-Tocsin-Signature")).as("one value, as receivers compare it whole")
                    .isEqualTo("v1=" + hmac(NEW_KEY, timestamp + "." + request.body()));
            assertThat(request.header("X-Tocsin-Signature-Previous"))
                    .isEqualTo("v1=" + hmac("old-webhook-secret", timestamp + "." + request.body()));
        }
    }

    /**
     * A Standard Webhooks receiver as the specification has it verify ("verifying signatures"; the libraries' verify):
     * any of the space-separated {@code v1,} signatures that matches its key, compared in constant time.
     */
    private static boolean verifiedBy(String whsecKey, LoopbackSink.Request request) throws Exception {
        byte[] expected = standardSignature(whsecKey, request).substring("v1,".length())
                .getBytes(StandardCharsets.UTF_8);
        for (String versioned : request.header("webhook-signature").split(" ")) {
            String[] parts = versioned.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")
                    && java.security.MessageDigest.isEqual(parts[1].getBytes(StandardCharsets.UTF_8), expected)) {
                return true;
            }
        }
        return false;
    }

    /**
     * "Retry-After: 0" does not mean at once, again and again; and a receiver that rate-limits a message more often
     * than max-attempts (10) has not refused it: it goes once the receiver takes it.
     */
    @Test
    void aThrottledMessageWaitsAtLeastASecondAndIsNeverGivenUpForIt() {
        Answer[] throttles = new Answer[12];
        java.util.Arrays.fill(throttles, Answer.retryAfter("0"));
        sink.script("/hook/flaky", throttles);
        Http.Response first = api.post("/api/v1/channels/flaky/test", "");
        assertThat(first.status()).as(first.body()).isEqualTo(502);
        long id = first.json().get("message_id").asLong();
        assertThat(Instant.parse(first.json().get("next_attempt_at").asString())).as("after Retry-After: 0")
                .isAfterOrEqualTo(clock.instant().plusSeconds(1));
        for (int i = 1; i < throttles.length; i++) {
            clock.advance(Duration.ofSeconds(1));
            drain();
        }
        JsonNode pending = find(api.get("/api/v1/outbox?status=pending&limit=1000").json(), id);
        assertThat(pending.get("last_status").asInt()).isEqualTo(429);
        assertThat(receivedByThisTest("/hook/flaky")).as("one request a second").hasSize(throttles.length);

        clock.advance(Duration.ofSeconds(1));
        drain();
        JsonNode sent = find(api.get("/api/v1/outbox?status=sent&limit=1000").json(), id);
        assertThat(sent.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aSlowReceiverTimesOutAndTheMessageWaitsForARetry() {
        sink.script("/hook/slow", Answer.slow(3000));
        Http.Response r = api.post("/api/v1/channels/slow/test", "");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().get("status").asString()).isEqualTo("pending");
        assertThat(r.json().get("error").asString()).isEqualTo("no answer within 1500 ms");
    }

    /** Opens an incident whose channel refuses its message with {@code answer}, and delivers: the incident. */
    private long refused(String answer) {
        sink.script("/slack/refuses", Answer.status(400, answer));
        long id = open(REFUSING_KEY, "Refused " + unique("r"), "error");
        drain();
        return id;
    }

    /** A receiver may answer anything; a NUL character in its refusal must not fail the delivery on PostgreSQL. */
    @Test
    void aNulCharacterInARefusalIsStoredAsAReplacementCharacter() {
        JsonNode row = outbox(refused("invalid\u0000payload")).get(0);
        assertThat(row.get("status").asString()).isEqualTo("failed");
        assertThat(row.get("last_error").asString()).isEqualTo("HTTP 400: invalid\uFFFDpayload");
    }

    @Test
    void aRefusalFailsAtOnceWithItsReasonOnTheTimelineAndCanBeRetriedByHand() {
        long id = refused("invalid_payload");
        JsonNode row = outbox(id).get(0);
        assertThat(row.get("status").asString()).isEqualTo("failed");
        assertThat(row.get("attempts").asInt()).isEqualTo(1);
        assertThat(row.get("last_status").asInt()).isEqualTo(400);
        assertThat(row.get("last_error").asString()).isEqualTo("HTTP 400: invalid_payload");
        JsonNode failed = timelineEvent(id, "notification.failed").get("data");
        assertThat(failed.get("reason").asString()).isEqualTo("HTTP 400: invalid_payload");
        assertThat(failed.get("destination").asString()).isEqualTo("channel:refuses");

        long messageId = row.get("id").asLong();
        Http.Response retried = api.post("/api/v1/outbox/" + messageId + "/retry", "");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("pending");
        drain();
        assertThat(outbox(id).get(0).get("status").asString()).isEqualTo("sent");
        assertThat(timelineKinds(id)).contains("notification.failed", "notification.retried");
        Http.Response again = api.post("/api/v1/outbox/" + messageId + "/retry", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("only a failed message can be retried");
        assertThat(api.post("/api/v1/outbox/999999999/retry", "").status()).isEqualTo(404);
        assertThat(api.as(Http.READ_KEY).post("/api/v1/outbox/" + messageId + "/retry", "").status()).isEqualTo(403);
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresShowsInHealthAndClosesAfterTheCoolDown() {
        sink.answer("/hook/breaker", Answer.status(500));
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/channels/breaker/test", "").status()).isEqualTo(502);
        }
        JsonNode health = anonymous.get("/api/health/deep").json();
        assertThat(health.get("open_circuits").toString()).contains("notify:channel:breaker");
        assertThat(health.get("degraded_services").toString()).contains("notify:channel:breaker");
        assertThat(health.get("circuit_breakers").get("notify:channel:breaker").get("state").asString()).isEqualTo("open");
        assertThat(channel("breaker").get("circuit").asString()).isEqualTo("open");

        Http.Response held = api.post("/api/v1/channels/breaker/test", "");
        assertThat(held.status()).as("not even tried while open").isEqualTo(202);
        assertThat(receivedByThisTest("/hook/breaker")).hasSize(3);

        sink.answer("/hook/breaker", Answer.status(200));
        clock.advance(Duration.ofSeconds(31));
        Http.Response recovered = api.post("/api/v1/channels/breaker/test", "");
        assertThat(recovered.status()).isEqualTo(200);
        assertThat(channel("breaker").get("circuit").asString()).isEqualTo("closed");
        assertThat(anonymous.get("/api/health/deep").json().get("open_circuits").toString()).doesNotContain("breaker");
        drain();
        assertThat(receivedByThisTest("/hook/breaker")).as("3 failures, then all 5 messages").hasSize(3 + 5);
    }

    @Test
    void aBurstToDiscordIsBatchedSoThatNoFiveSecondWindowHoldsMoreThanFiveRequests() {
        String token = unique("burst");
        for (int i = 0; i < 3; i++) {
            open(BURSTY_KEY, token + " early " + i, "error");
        }
        drain();
        List<String> dedups = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String dedup = unique("b");
            dedups.add(dedup);
            assertThat(enqueue(trigger(BURSTY_KEY, dedup, token + " burst " + i, "error")).status()).isEqualTo(202);
        }
        for (String dedup : dedups) {
            await("the incident of " + dedup, () -> alerts(dedup).size() == 1 && !alerts(dedup).get(0).get("incident_id").isNull());
        }
        drain();

        List<LoopbackSink.Request> requests = sink.requests("/discord/burst").stream()
                .filter(r -> r.body().contains(token)).toList();
        int embeds = 0;
        List<String> titles = new ArrayList<>();
        for (LoopbackSink.Request r : requests) {
            JsonNode body = Http.parse(r.body());
            assertThat(body.get("embeds").size()).as("Discord takes at most 10 embeds").isBetween(1, 10);
            embeds += body.get("embeds").size();
            body.get("embeds").forEach(e -> titles.add(e.get("description").asString()));
        }
        assertThat(embeds).as("every message delivered, none dropped").isEqualTo(53);
        assertThat(requests.size()).as("batched into far fewer requests than messages").isBetween(8, 15);
        for (int i = 0; i < 50; i++) {
            String line = "Title: " + token + " burst " + i + "\n";
            assertThat(titles.stream().filter(t -> t.contains(line)).count()).as(line).isEqualTo(1);
        }
        for (int i = 0; i + 5 < requests.size(); i++) {
            long gap = requests.get(i + 5).receivedNanos() - requests.get(i).receivedNanos();
            assertThat(Duration.ofNanos(gap)).as("requests " + i + " and " + (i + 5))
                    .isGreaterThan(Duration.ofMillis(4500)); // 5 s between sends, less one request's loopback latency
        }
    }

    @Test
    void aTestMessageChecksAChannelOrAContactMethod() {
        Http.Response ok = api.post("/api/v1/channels/ops-slack/test", "");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("status").asString()).isEqualTo("sent");
        assertThat(sink.requests("/slack/ops").stream().anyMatch(r -> r.body().contains("Test message from Tocsin to channel ops-slack")))
                .isTrue();

        Http.Response refused = api.post("/api/v1/users/ana/contact-methods/slack/test", "");
        assertThat(refused.status()).as("Ana's Slack URL points at a closed port").isEqualTo(502);
        assertThat(refused.json().get("error").asString()).contains("refused");

        Http.Response mail = api.post("/api/v1/users/bo/contact-methods/email/test", "");
        assertThat(mail.status()).isEqualTo(200);

        assertThat(api.post("/api/v1/channels/nope/test", "").status()).isEqualTo(404);
        Http.Response unset = api.post("/api/v1/channels/unset/test", "");
        assertThat(unset.status()).isEqualTo(400);
        assertThat(unset.body()).contains("TOCSIN_TEST_UNSET_VARIABLE not set");
        assertThat(api.post("/api/v1/users/ana/contact-methods/mobile/test", "").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/users/ana/contact-methods/nope/test", "").status()).isEqualTo(404);
    }

    @Test
    void secretsNeverAppearInResponsesOrOnTheTimeline() {
        String secretUrl = sink.baseUrl();
        long id = open(STOREFRONT_KEY, "Secrets " + unique("s"), "error");
        drain();
        String channels = api.get("/api/v1/channels").body();
        assertThat(channels).contains("\"id\":\"ops-slack\"", "\"signed\":true").doesNotContain(secretUrl)
                .doesNotContain("test-webhook-secret");
        assertThat(api.get("/api/v1/outbox?limit=1000").body()).doesNotContain(secretUrl);
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").body()).doesNotContain(secretUrl);
        JsonNode health = anonymous.get("/api/health/deep").json();
        assertThat(health.get("integrations").get("channel:unset").get("status").asString()).isEqualTo("degraded");
        assertThat(health.get("integrations").get("smtp").get("status").asString()).isEqualTo("configured");
        assertThat(health.toString()).doesNotContain(secretUrl);
        assertThat(channel("unset").get("missing_environment").toString()).contains("TOCSIN_TEST_UNSET_VARIABLE");
    }

    @Test
    void anUpdateDueRemindsTheCommunicationsLeadUntilOneIsPosted() throws Exception {
        String token = unique("cad");
        long id = open(STOREFRONT_KEY, "Cadence " + token, "warning"); // P2: an update every 20 minutes here
        assertThat(api.put("/api/v1/incidents/" + id + "/roles/communications_lead", "{\"user\":\"bo\"}").status())
                .isEqualTo(200);
        advance(Duration.ofMinutes(20));
        await("the reminder", () -> timelineKinds(id).contains("incident.update_due"));
        JsonNode due = timelineEvent(id, "incident.update_due").get("data");
        assertThat(due.get("reminded").asString()).isEqualTo("bo");
        assertThat(due.get("role").asString()).isEqualTo("communications_lead");
        assertThat(due.get("update_interval").asString()).isEqualTo("20m");
        JsonNode reminder = find(outbox(id), "reminder");
        assertThat(reminder.get("destination").asString()).isEqualTo("user:bo:email");
        drain();
        assertThat(emails("Update due: [P2] Cadence " + token)).hasSize(1);

        api.post("/api/v1/incidents/" + id + "/updates", "{\"message\":\"Working on it\"}");
        advance(Duration.ofMinutes(10));
        advance(Duration.ofMinutes(9));
        assertThat(reminders(id))
                .as("an update was posted 19 minutes ago").isEqualTo(1);
        advance(Duration.ofMinutes(1));
        await("the second reminder", () -> reminders(id) == 2);

        api.post("/api/v1/incidents/" + id + "/resolve", "{}");
        advance(Duration.ofMinutes(40));
        assertThat(reminders(id)).as("resolved").isEqualTo(2);
    }

    @Test
    void remindersMissedWhileNoNodeRanAreSentOnceNotOneByOne() throws Exception {
        long id = open(STOREFRONT_KEY, "Long gap " + unique("gap"), "warning"); // P2: an update every 20 minutes
        api.put("/api/v1/incidents/" + id + "/roles/communications_lead", "{\"user\":\"bo\"}");
        advance(Duration.ofHours(3)); // nine reminders came due meanwhile
        await("the reminder", () -> timelineKinds(id).contains("incident.update_due"));
        Thread.sleep(500); // a catch-up would fire its next one at once
        assertThat(reminders(id)).isEqualTo(1);
        assertThat(outbox(id).findValues("purpose").stream().filter(p -> p.asString().equals("reminder")).count())
                .as("one message to bo's one immediate contact method").isEqualTo(1);

        advance(Duration.ofMinutes(19));
        assertThat(reminders(id))
                .as("the next is one interval after the late one").isEqualTo(1);
        advance(Duration.ofMinutes(1));
        await("the next reminder", () -> reminders(id) == 2);
        api.post("/api/v1/incidents/" + id + "/resolve", "{}");
    }

    /** The incident.update_due entries on the incident's timeline. */
    private long reminders(long incident) {
        return timelineKinds(incident).stream().filter("incident.update_due"::equals).count();
    }

    private void advance(Duration d) {
        clock.advance(d);
        timers.checkNow();
        try {
            Thread.sleep(300); // the timer poll thread picks up what came due
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode channel(String id) {
        for (JsonNode c : api.get("/api/v1/channels").json()) {
            if (c.get("id").asString().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no channel " + id);
    }

    private static JsonNode find(JsonNode rows, long id) {
        for (JsonNode r : rows) {
            if (r.get("id").asLong() == id) {
                return r;
            }
        }
        throw new AssertionError("no message " + id + " in " + rows);
    }

    private static JsonNode find(JsonNode rows, String purpose) {
        for (JsonNode r : rows) {
            if (r.get("purpose").asString().equals(purpose)) {
                return r;
            }
        }
        throw new AssertionError("no " + purpose + " message in " + rows);
    }

    private static MimeMessage email(String subjectPart) throws Exception {
        List<MimeMessage> found = emails(subjectPart);
        assertThat(found).as("e-mails about " + subjectPart).hasSize(1);
        return found.get(0);
    }

    private static List<MimeMessage> emails(String subjectPart) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : TestReceivers.mail().getReceivedMessages()) {
            if (m.getSubject() != null && m.getSubject().contains(subjectPart)) {
                out.add(m);
            }
        }
        return out;
    }

    private static String partOf(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return part.getContent().toString();
            }
            if (part.getContent() instanceof Multipart nested) {
                String found = partOfOrNull(nested, type);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    private static String partOfOrNull(Multipart multipart, String type) throws Exception {
        try {
            return partOf(multipart, type);
        } catch (AssertionError e) {
            return null;
        }
    }

    private static String hmac(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** As a Standard Webhooks library computes it from the secret it is given and the request's headers and body. */
    private static String standardSignature(String whsecSecret, LoopbackSink.Request request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsecSecret.substring("whsec_".length())), "HmacSHA256"));
        String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "." + request.body();
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private long enqueueTestMessage(String destination, String channel) {
        String key = unique("outbox-test");
        tx.executeWithoutResult(status -> messages.enqueue(new Outbox.NewMessage(key, null, null, channel, destination,
                "test", "Tocsin test message", Map.of("destination", destination, "now", "now"))));
        return messages.findByKey(key).orElseThrow().id();
    }

    /** A message on its first attempt shares a request with one on its last: only the latter is given up on. */
    @Test
    void aFreshMessageBatchedWithOneOnItsLastAttemptIsRetriedNotGivenUp() throws Exception {
        long old = enqueueTestMessage("channel:ops-slack", "slack");
        jdbc.sql("UPDATE outbox_message SET attempts = 9 WHERE id = :id").param("id", old).update(); // max is 10
        long fresh = enqueueTestMessage("channel:ops-slack", "slack");
        Thread.sleep(1100); // Slack's one-a-second window is empty: both go in one request
        sink.answer("/slack/ops", Answer.status(500));
        try {
            delivery.deliverDue();
        } finally {
            sink.answer("/slack/ops", Answer.status(200));
        }
        assertThat(messages.find(old).orElseThrow().status()).isEqualTo("failed");
        OutboxMessage m = messages.find(fresh).orElseThrow();
        assertThat(m.attempts()).isEqualTo(1);
        assertThat(m.status()).as("a message tried once (%s)", m.lastError()).isEqualTo("pending");
        delivery.drain(Duration.ofSeconds(10));
    }

    /** A title may be 1,024 characters; "Update due: " and the title is longer, and the reminder must still go. */
    @Test
    void anUpdateReminderGoesOutForAnIncidentWithTheLongestTitle() {
        long id = open(STOREFRONT_KEY, "T".repeat(1024), "warning");
        assertThat(api.put("/api/v1/incidents/" + id + "/roles/communications_lead", "{\"user\":\"bo\"}").status())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(20));
        timers.checkNow();
        await("the reminder on the timeline",
                () -> api.get("/api/v1/incidents/" + id + "/timeline?limit=1000").body().contains("incident.update_due"));
        assertThat(messages.list(id, null, null, 100).stream().filter(m -> m.purpose().equals("reminder")).toList())
                .isNotEmpty().allMatch(m -> m.subject().length() == 1024 && m.subject().startsWith("Update due: T"));
    }

    /** A backlog at one destination (its circuit open) must not hide the messages to every other destination. */
    @Test
    void aBacklogAtOneDestinationDoesNotHoldUpTheOthers() {
        String backlog = unique("backlog");
        tx.executeWithoutResult(status -> {
            for (int i = 0; i < 600; i++) {
                messages.enqueue(new Outbox.NewMessage(backlog + ":" + i, null, null, "teams", "channel:ops-teams",
                        "test", "Tocsin test message", Map.of("destination", "channel:ops-teams", "now", "now")));
            }
        });
        long audit = enqueueTestMessage("channel:audit", "webhook");
        delivery.breaker("channel:ops-teams").transitionToOpenState();
        try {
            delivery.deliverDue();
            assertThat(messages.find(audit).orElseThrow().status()).as("a message to a healthy destination")
                    .isEqualTo("sent");
        } finally {
            jdbc.sql("DELETE FROM outbox_message WHERE idempotency_key LIKE :prefix").param("prefix", backlog + ":%")
                    .update();
            delivery.breaker("channel:ops-teams").transitionToClosedState();
        }
    }

    /** An idempotency key longer than its column is shortened the same way each time, so it still says "seen". */
    @Test
    void aLongIdempotencyKeyStillDeduplicates() {
        String key = unique("long-key") + "x".repeat(300);
        Outbox.NewMessage message = new Outbox.NewMessage(key, null, null, "webhook", "channel:audit", "test",
                "Tocsin test message", Map.of("destination", "channel:audit", "now", "now"));
        assertThat(message.idempotencyKey()).hasSize(200).isEqualTo(new Outbox.NewMessage(key, null, null, "webhook",
                "channel:audit", "test", "s", Map.of()).idempotencyKey());
        Boolean first = tx.execute(status -> messages.enqueue(message));
        Boolean again = tx.execute(status -> messages.enqueue(message));
        assertThat(first).isTrue();
        assertThat(again).isFalse();
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, condition, Duration.ofSeconds(15));
    }
}
