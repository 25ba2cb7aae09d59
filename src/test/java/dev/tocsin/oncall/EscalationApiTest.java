package dev.tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.engine.Processor;
import dev.tocsin.engine.Timers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The escalation policy of service "payments" (test-tocsin.yml): level 1 the "primary" schedule (Bo on Sunday
 * 2026-03-01), after 15 min level 2 Ana, after 15 more level 3 Carla, after 30 more the whole policy once again.
 * Time moves by the test clock; the durable timers fire on the scheduler's own threads.
 */
class EscalationApiTest extends ApiTest {

    private static final String PAYMENTS_KEY = "test-payments-key-000001";
    private static final Instant SUNDAY_MORNING = Instant.parse("2026-03-01T10:00:00Z");

    @Autowired
    Timers timers;

    @Autowired
    List<Processor> processors;

    @BeforeEach
    void sundayMorning() {
        clock.set(SUNDAY_MORNING);
    }

    private long open(String severity) {
        String dedup = unique("pay");
        assertThat(enqueue(trigger(PAYMENTS_KEY, dedup, "Card payments failing", severity)).status()).isEqualTo(202);
        return incidentOf(dedup);
    }

    private void advance(Duration d) {
        clock.advance(d);
        timers.checkNow();
    }

    private JsonNode pages(long incident) {
        return api.get("/api/v1/incidents/" + incident + "/escalation").json().get("pages");
    }

    private List<String> pagedUsers(long incident) {
        List<String> users = new ArrayList<>();
        pages(incident).forEach(p -> users.add(p.get("level").asInt() + ":" + p.get("user").asString()));
        return users;
    }

    private JsonNode outbox(long incident) {
        return api.get("/api/v1/outbox?incident=" + incident).json();
    }

    private List<String> outboxChannels(long incident) {
        List<String> out = new ArrayList<>();
        outbox(incident).forEach(m -> out.add(m.get("user_id").asString() + ":" + m.get("channel").asString()));
        java.util.Collections.reverse(out);
        return out;
    }

    private List<JsonNode> timeline(long incident, String kind) {
        List<JsonNode> events = new ArrayList<>();
        api.get("/api/v1/incidents/" + incident + "/timeline").json().forEach(e -> {
            if (e.get("kind").asString().equals(kind)) {
                events.add(e);
            }
        });
        return events;
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, condition, Duration.ofSeconds(10));
    }

    /** Gives a timer that should not fire every chance to: two scheduler polls after the clock moved. */
    private void settle() {
        timers.checkNow();
        try {
            Thread.sleep(1200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void levelOneIsPagedAtOnceThenEachLevelAfterItsDelayUntilAcknowledged() {
        long id = open("error");
        assertThat(pagedUsers(id)).containsExactly("1:bo");
        assertThat(outboxChannels(id)).containsExactly("bo:email");
        JsonNode first = timeline(id, "incident.paged").get(0).get("data");
        assertThat(first.get("reason").asString())
                .isEqualTo("incident opened (P1): paging level 1: on-call engineer (Bo)");

        advance(Duration.ofMinutes(14));
        settle();
        assertThat(pagedUsers(id)).as("nothing before the delay is over").containsExactly("1:bo");

        advance(Duration.ofMinutes(1));
        await("level 2", () -> pages(id).size() == 2);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana");
        assertThat(timeline(id, "incident.paged").get(1).get("data").get("reason").asString())
                .isEqualTo("escalated to level 2: team lead (Ana) after 15m without acknowledgement");
        // Ana's rules: Slack at once, e-mail after 5 minutes; her SMS number is stored but never used.
        assertThat(outboxChannels(id)).containsExactly("bo:email", "ana:slack");
        advance(Duration.ofMinutes(5));
        await("Ana's e-mail", () -> outbox(id).size() == 3);
        assertThat(outboxChannels(id)).containsExactly("bo:email", "ana:slack", "ana:email");
        assertThat(timeline(id, "incident.notified")).hasSize(1);

        assertThat(api.post("/api/v1/incidents/" + id + "/acknowledge", null).status()).isEqualTo(200);
        JsonNode escalation = api.get("/api/v1/incidents/" + id + "/escalation").json();
        assertThat(escalation.get("state").asString()).isEqualTo("acknowledged");
        assertThat(timeline(id, "escalation.stopped")).hasSize(1);

        advance(Duration.ofHours(2));
        settle();
        assertThat(pagedUsers(id)).as("acknowledging stops escalation").containsExactly("1:bo", "2:ana");
        assertThat(outbox(id)).hasSize(3);
    }

    @Test
    void acknowledgingCallsOffDelayedNotificationRules() {
        long id = open("error");
        advance(Duration.ofMinutes(15));
        await("level 2", () -> pages(id).size() == 2);
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        advance(Duration.ofMinutes(10));
        settle();
        assertThat(outboxChannels(id)).as("Ana's e-mail after 5 min is no longer wanted").containsExactly("bo:email", "ana:slack");
    }

    @Test
    void aPageCarriesEverythingAMessageNeedsAndOneKeyPerMessage() {
        long id = open("error");
        JsonNode message = outbox(id).get(0);
        assertThat(message.get("destination").asString()).as("a reference, never an address").isEqualTo("user:bo:email");
        assertThat(message.get("purpose").asString()).isEqualTo("page");
        assertThat(message.get("status").asString()).isEqualTo("pending");
        assertThat(message.get("subject").asString()).isEqualTo("[P1] Payments: Card payments failing");
        assertThat(message.get("idempotency_key").asString()).matches("page:\\d+:rule:0");
        JsonNode body = Http.parse(message.get("body").asString());
        assertThat(body.get("incident_id").asLong()).isEqualTo(id);
        assertThat(body.get("level").asInt()).isEqualTo(1);
        assertThat(body.get("acknowledge_url").asString()).matches("http://localhost:\\d+/ack/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void resolvingCancelsEverythingPending() {
        long id = open("error");
        assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "{}").status()).isEqualTo(200);
        assertThat(timeline(id, "escalation.cancelled")).hasSize(1);
        assertThat(timers.dueAt(Escalations.NAME, Escalations.timerInstance(id, 1, 2))).isEmpty();
        advance(Duration.ofHours(3));
        settle();
        assertThat(pagedUsers(id)).containsExactly("1:bo");
        assertThat(api.get("/api/v1/incidents/" + id + "/escalation").json().get("state").asString()).isEqualTo("resolved");
    }

    @Test
    void unacknowledgingStartsThePolicyOverAndReopeningToo() {
        long id = open("error");
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        advance(Duration.ofMinutes(20));
        assertThat(api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\"}").status()).isEqualTo(200);
        JsonNode escalation = api.get("/api/v1/incidents/" + id + "/escalation").json();
        assertThat(escalation.get("generation").asInt()).isEqualTo(2);
        assertThat(escalation.get("state").asString()).isEqualTo("active");
        assertThat(pagedUsers(id)).containsExactly("1:bo", "1:bo");
        assertThat(timeline(id, "incident.paged").get(1).get("data").get("reason").asString())
                .startsWith("incident un-acknowledged (P1)");

        advance(Duration.ofMinutes(15));
        await("level 2 of the new generation", () -> pages(id).size() == 3);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "1:bo", "2:ana");

        api.post("/api/v1/incidents/" + id + "/resolve", "{}");
        api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\"}");
        assertThat(pagedUsers(id)).containsExactly("1:bo", "1:bo", "2:ana", "1:bo");
        assertThat(timeline(id, "incident.paged").get(3).get("data").get("reason").asString())
                .startsWith("incident re-opened (P1)");
    }

    @Test
    void p0PagesEveryLevelAtOnceAndP3StartsAtTheTeamLead() {
        long p0 = open("critical");
        assertThat(pagedUsers(p0)).containsExactly("1:bo", "2:ana", "3:carla");
        assertThat(outboxChannels(p0)).containsExactly("bo:email", "ana:slack", "carla:webhook");

        long p3 = open("info");
        assertThat(pagedUsers(p3)).containsExactly("2:ana");
    }

    private void raise(long incident, String severity) {
        assertThat(api.put("/api/v1/incidents/" + incident + "/severity", "{\"severity\":\"" + severity + "\"}").status())
                .isEqualTo(200);
    }

    @Test
    void raisingToP0PagesTheLevelsP0StartsWithAtOnceAndEscalatesOnFromThere() {
        long id = open("error");
        assertThat(pagedUsers(id)).containsExactly("1:bo");

        advance(Duration.ofMinutes(5));
        raise(id, "P0");
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana", "3:carla");
        assertThat(timeline(id, "incident.paged").get(2).get("data").get("reason").asString())
                .isEqualTo("escalated to level 3: engineering manager (Carla) after the severity was raised from P1 to P0");

        advance(Duration.ofMinutes(15));
        settle();
        assertThat(pagedUsers(id)).as("level 2's old timer pages nobody twice").containsExactly("1:bo", "2:ana", "3:carla");
        advance(Duration.ofMinutes(15));
        await("the repeat, 30 min after level 3", () -> pages(id).size() == 6);
        assertThat(pagedUsers(id)).as("a P0's repeat pages every level it starts with again")
                .containsExactly("1:bo", "2:ana", "3:carla", "1:bo", "2:ana", "3:carla");
    }

    @Test
    void raisingFromP3PagesTheSkippedFirstLevelAndKeepsTheNextStepOnTime() {
        long id = open("info");
        assertThat(pagedUsers(id)).containsExactly("2:ana");

        advance(Duration.ofMinutes(10));
        raise(id, "P1");
        assertThat(pagedUsers(id)).containsExactly("2:ana", "1:bo");

        advance(Duration.ofMinutes(5));
        await("level 3, 15 min after level 2 as before", () -> pages(id).size() == 3);
        assertThat(pagedUsers(id)).containsExactly("2:ana", "1:bo", "3:carla");
    }

    @Test
    void loweringTheSeverityOrRaisingAnAcknowledgedIncidentPagesNobody() {
        long lowered = open("error");
        raise(lowered, "P3");
        assertThat(pagedUsers(lowered)).containsExactly("1:bo");

        long acknowledged = open("error");
        api.post("/api/v1/incidents/" + acknowledged + "/acknowledge", null);
        raise(acknowledged, "P0");
        assertThat(pagedUsers(acknowledged)).containsExactly("1:bo");
    }

    @Test
    void someoneOnTwoLevelsThatAP0PagesAtOnceIsPagedOnce() {
        clock.set(Instant.parse("2026-03-08T10:00:00Z")); // a Sunday of Ana's week: she is level 1 and level 2
        long id = open("critical");
        assertThat(pagedUsers(id)).containsExactly("1:ana", "3:carla");
        JsonNode second = timeline(id, "incident.paged").get(1).get("data");
        assertThat(second.get("level").asInt()).isEqualTo(2);
        assertThat(second.get("already_paged").get(0).asString()).isEqualTo("ana");
        assertThat(outboxChannels(id)).containsExactly("ana:slack", "carla:webhook");
    }

    @Test
    void afterTheLastLevelThePolicyRepeatsOnceThenIsExhausted() {
        long id = open("error");
        advance(Duration.ofMinutes(15));
        await("level 2", () -> pages(id).size() == 2);
        advance(Duration.ofMinutes(15));
        await("level 3", () -> pages(id).size() == 3);
        assertThat(repeatsDone(id)).as("the repeat is due, not done").isZero();
        advance(Duration.ofMinutes(30));
        await("the repeat", () -> pages(id).size() == 4);
        assertThat(repeatsDone(id)).isEqualTo(1);
        assertThat(timeline(id, "incident.paged").get(3).get("data").get("reason").asString())
                .isEqualTo("escalated to level 1: on-call engineer (Bo) after 30m without acknowledgement (repeat 1 of 1)");
        advance(Duration.ofMinutes(15));
        await("level 2 again", () -> pages(id).size() == 5);
        advance(Duration.ofMinutes(15));
        await("level 3 again", () -> pages(id).size() == 6);
        advance(Duration.ofMinutes(30));
        await("exhaustion", () -> !timeline(id, "escalation.exhausted").isEmpty());
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana", "3:carla", "1:bo", "2:ana", "3:carla");
        assertThat(api.get("/api/v1/incidents/" + id + "/escalation").json().get("state").asString()).isEqualTo("exhausted");
        assertThat(repeatsDone(id)).isEqualTo(1);
    }

    @Test
    void aRepeatThatWasDueWhenSomeoneAcknowledgedOrResolvedIsNotCounted() {
        long acknowledged = open("error");
        advance(Duration.ofMinutes(15));
        await("level 2", () -> pages(acknowledged).size() == 2);
        advance(Duration.ofMinutes(15));
        await("level 3", () -> pages(acknowledged).size() == 3);
        api.post("/api/v1/incidents/" + acknowledged + "/acknowledge", null);
        assertThat(api.get("/api/v1/incidents/" + acknowledged + "/escalation").json().get("state").asString())
                .isEqualTo("acknowledged");
        assertThat(repeatsDone(acknowledged)).as("the repeat was due, never paged").isZero();

        long resolved = open("error");
        advance(Duration.ofMinutes(15));
        await("level 2", () -> pages(resolved).size() == 2);
        advance(Duration.ofMinutes(15));
        await("level 3", () -> pages(resolved).size() == 3);
        api.post("/api/v1/incidents/" + resolved + "/resolve", null);
        assertThat(repeatsDone(resolved)).as("the repeat was due, never paged").isZero();
    }

    /**
     * The link with its signature's last character changed in the lowest bit only: an HMAC-SHA256 in unpadded base64
     * leaves the last character's two lowest bits unused, so a lenient decoder reads the same signature.
     */
    private static String otherSpellingOfTheSameSignature(String path) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(path.charAt(path.length() - 1));
        return path.substring(0, path.length() - 1) + alphabet.charAt(last ^ 1);
    }

    private int repeatsDone(long incident) {
        return api.get("/api/v1/incidents/" + incident + "/escalation").json().get("repeats_done").asInt();
    }

    @Test
    void theAcknowledgeLinkAcknowledgesAsThePagedUserWithoutAnApiKey() {
        long id = open("error");
        String url = Http.parse(outbox(id).get(0).get("body").asString()).get("acknowledge_url").asString();
        String path = url.substring(url.indexOf("/ack/"));

        Http.Response confirm = anonymous.get(path);
        assertThat(confirm.status()).isEqualTo(200);
        assertThat(confirm.body()).contains("<form method=\"post\">").contains("Card payments failing");
        assertThat(incident(id).get("status").asString())
                .as("opening the link (as a mail scanner would) changes nothing").isEqualTo("triggered");

        Http.Response acknowledged = anonymous.post(path, null);
        assertThat(acknowledged.status()).isEqualTo(200);
        assertThat(acknowledged.body()).contains("Acknowledged");
        assertThat(incident(id).get("status").asString()).isEqualTo("acknowledged");
        assertThat(timeline(id, "incident.acknowledged").get(0).get("actor").asString()).isEqualTo("user:bo");
        assertThat(anonymous.post(path, null).body()).contains("Already acknowledged");

        String tampered = path.substring(0, path.length() - 2) + (path.endsWith("A") ? "BB" : "AA");
        assertThat(anonymous.post(tampered, null).status()).isEqualTo(410);
        assertThat(anonymous.post(otherSpellingOfTheSameSignature(path), null).status())
                .as("a last character differing only in the bits base64 leaves unused").isEqualTo(410);
        assertThat(anonymous.get("/ack/not-a-token").status()).isEqualTo(410);
    }

    @Test
    void anAcknowledgeLinkExpires() {
        long id = open("error");
        String url = Http.parse(outbox(id).get(0).get("body").asString()).get("acknowledge_url").asString();
        clock.advance(Duration.ofHours(24));
        assertThat(anonymous.post(url.substring(url.indexOf("/ack/")), null).status()).isEqualTo(410);
        assertThat(incident(id).get("status").asString()).isEqualTo("triggered");
    }

    @Test
    void anIncidentNotAcknowledgedWithinItsResponseTargetIsMarkedAsBreached() {
        long late = open("error");
        long onTime = open("error");
        api.post("/api/v1/incidents/" + onTime + "/acknowledge", null);
        clock.advance(Duration.ofMinutes(14));
        responseTargets().runCycle();
        assertThat(timeline(late, "incident.response_target_breached")).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        responseTargets().runCycle();
        responseTargets().runCycle();

        assertThat(timeline(late, "incident.response_target_breached")).hasSize(1);
        JsonNode breach = timeline(late, "incident.response_target_breached").get(0).get("data");
        assertThat(breach.get("response_target").asString()).isEqualTo("PT15M");
        assertThat(breach.get("unacknowledged_for_seconds").asLong()).isEqualTo(900);
        assertThat(timeline(onTime, "incident.response_target_breached")).isEmpty();
        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("tocsin_incidents_response_target_breaches_total\\{[^}]*severity=\"P1\"} [1-9]");
    }

    @Test
    void aRaisedSeverityCountsItsResponseTargetFromTheOpening() {
        long raised = open("warning");
        long acknowledged = open("warning");
        api.post("/api/v1/incidents/" + acknowledged + "/acknowledge", null);
        clock.advance(Duration.ofMinutes(10));
        responseTargets().runCycle();
        assertThat(timeline(raised, "incident.response_target_breached")).isEmpty();

        for (long id : new long[] {raised, acknowledged}) {
            assertThat(api.put("/api/v1/incidents/" + id + "/severity", "{\"severity\":\"P0\"}").status()).isEqualTo(200);
        }
        responseTargets().runCycle();

        // P0's five minutes from the opening passed five minutes ago: the breach is recorded at once, and only
        // for the incident nobody acknowledged.
        JsonNode breach = timeline(raised, "incident.response_target_breached").get(0).get("data");
        assertThat(breach.get("severity").asString()).isEqualTo("P0");
        assertThat(breach.get("response_target").asString()).isEqualTo("PT5M");
        assertThat(timeline(acknowledged, "incident.response_target_breached")).isEmpty();
    }

    @Test
    void aReopenedOrUnacknowledgedIncidentWaitsForAResponseAgain() {
        long reopened = open("error");
        long unacknowledged = open("error");
        api.post("/api/v1/incidents/" + reopened + "/resolve", null);
        api.post("/api/v1/incidents/" + unacknowledged + "/acknowledge", null);
        clock.advance(Duration.ofHours(1));
        responseTargets().runCycle();
        assertThat(timeline(reopened, "incident.response_target_breached")).isEmpty();

        for (long id : new long[] {reopened, unacknowledged}) {
            JsonNode again = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\"}").json();
            assertThat(again.get("status").asString()).isEqualTo("triggered");
            assertThat(Instant.parse(again.get("response_target").get("respond_by").asString()))
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
            assertThat(again.get("response_target").get("breached").asBoolean()).isFalse();
        }
        clock.advance(Duration.ofMinutes(14));
        responseTargets().runCycle();
        assertThat(timeline(reopened, "incident.response_target_breached")).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        responseTargets().runCycle();
        for (long id : new long[] {reopened, unacknowledged}) {
            List<JsonNode> breaches = timeline(id, "incident.response_target_breached");
            assertThat(breaches).as("incident %d", id).hasSize(1);
            assertThat(breaches.get(0).get("data").get("unacknowledged_for_seconds").asLong())
                    .as("counted from the reopening, not the opening an hour earlier").isEqualTo(900);
        }
    }

    @Test
    void anIncidentBreachedOnceIsCountedAgainWhenItIsLeftWaitingAgain() {
        long id = open("error");
        clock.advance(Duration.ofMinutes(15));
        responseTargets().runCycle();
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\"}");
        clock.advance(Duration.ofMinutes(10));
        responseTargets().runCycle();
        assertThat(timeline(id, "incident.response_target_breached")).hasSize(1);

        // Raised to P0 ten minutes into the second wait: five minutes from the un-acknowledgement have passed.
        api.put("/api/v1/incidents/" + id + "/severity", "{\"severity\":\"P0\"}");
        responseTargets().runCycle();

        List<JsonNode> breaches = timeline(id, "incident.response_target_breached");
        assertThat(breaches).hasSize(2);
        assertThat(breaches.get(1).get("data").get("severity").asString()).isEqualTo("P0");
        assertThat(breaches.get(1).get("data").get("unacknowledged_for_seconds").asLong()).isEqualTo(600);
    }

    @Test
    void aResponderCanEscalateToTheNextLevelAtOnce() {
        long id = open("error");
        advance(Duration.ofMinutes(5));
        Http.Response escalated = api.post("/api/v1/incidents/" + id + "/escalate", null);
        assertThat(escalated.status()).as(escalated.body()).isEqualTo(200);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana");
        assertThat(escalated.json().get("next_level").asInt()).isEqualTo(3);
        assertThat(Instant.parse(escalated.json().get("next_at").asString()))
                .as("level 2's own delay counts from now").isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(timeline(id, "escalation.requested").get(0).get("actor").asString()).startsWith("api-key:");
        assertThat(timeline(id, "incident.paged").get(1).get("data").get("reason").asString())
                .startsWith("escalated to level 2: team lead (Ana) on request of api-key:");

        advance(Duration.ofMinutes(10));
        settle();
        assertThat(pagedUsers(id)).as("the timer of the step taken by hand does not page again").hasSize(2);
        advance(Duration.ofMinutes(5));
        await("level 3 after level 2's delay", () -> pages(id).size() == 3);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana", "3:carla");

        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        Http.Response acknowledged = api.post("/api/v1/incidents/" + id + "/escalate", null);
        assertThat(acknowledged.status()).isEqualTo(409);
        assertThat(acknowledged.json().get("detail").asString()).contains("acknowledged").contains("triggered");
    }

    private Http.Response escalateFrom(long incident, String fromLevel) {
        return api.post("/api/v1/incidents/" + incident + "/escalate", "{\"from_level\":" + fromLevel + "}");
    }

    /** A retried or repeated press names the level it saw: once the incident has moved on, it changes nothing. */
    @Test
    void anEscalationFromALevelNoLongerPagedLastIsRefusedAndPagesNobody() {
        long id = open("error");
        assertThat(api.get("/api/v1/incidents/" + id + "/escalation").json().get("current_level").asInt()).isEqualTo(1);
        Http.Response first = escalateFrom(id, "1");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("current_level").asInt()).isEqualTo(2);

        Http.Response again = escalateFrom(id, "1");
        assertThat(again.status()).as(again.body()).isEqualTo(409);
        assertThat(again.json().get("current_level").asInt()).isEqualTo(2);
        assertThat(again.json().get("detail").asString()).contains("is at level 2 of policy 'payments', not level 1");
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana");
        assertThat(timeline(id, "escalation.requested")).hasSize(1);

        advance(Duration.ofMinutes(15));
        await("level 3 after level 2's delay", () -> pages(id).size() == 3);
        Http.Response overtaken = escalateFrom(id, "2");
        assertThat(overtaken.status()).as("the timer escalated first").isEqualTo(409);
        assertThat(overtaken.json().get("current_level").asInt()).isEqualTo(3);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana", "3:carla");
        assertThat(escalateFrom(id, "3").status()).as("from the level it is at").isEqualTo(200);
    }

    @Test
    void twoPressesAtOnceFromTheSameLevelEscalateOnce() throws Exception {
        long id = open("error");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Integer>> presses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                presses.add(CompletableFuture.supplyAsync(() -> escalateFrom(id, "1").status(), pool));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> press : presses) {
                statuses.add(press.get(30, TimeUnit.SECONDS));
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 409, 409, 409);
        } finally {
            pool.shutdown();
        }
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana");
    }

    @Test
    void aFromLevelThatIsNoLevelIsRefusedNamingTheField() {
        long id = open("error");
        for (String bad : List.of("\"two\"", "\"1\"", "1.5", "1e400", "99999999999", "0", "-1", "4", "[1]", "{}", "true")) {
            Http.Response refused = escalateFrom(id, bad);
            assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").asString()).as(bad).isEqualTo("from_level");
        }
        assertThat(pagedUsers(id)).as("nothing was escalated").containsExactly("1:bo");
        Http.Response withoutOne = escalateFrom(id, "null");
        assertThat(withoutOne.status()).as("null is no level given, as before").isEqualTo(200);
        assertThat(pagedUsers(id)).containsExactly("1:bo", "2:ana");
    }

    @Test
    void aSnoozedIncidentIsTriggeredAgainWhenTheSnoozeEndsAndPagesFromTheStart() {
        long id = open("error");
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        Http.Response snoozed = api.post("/api/v1/incidents/" + id + "/snooze", "{\"duration\":\"1h\"}");
        assertThat(snoozed.status()).as(snoozed.body()).isEqualTo(200);
        assertThat(Instant.parse(snoozed.json().get("snoozed_until").asString()))
                .isEqualTo(clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(timeline(id, "incident.snoozed").get(0).get("data").get("for").asString()).isEqualTo("1h");

        advance(Duration.ofMinutes(59));
        settle();
        assertThat(incident(id).get("status").asString()).isEqualTo("acknowledged");
        advance(Duration.ofMinutes(1));
        await("the snooze to end", () -> "triggered".equals(incident(id).get("status").asString()));

        JsonNode ended = timeline(id, "incident.unacknowledged").get(0);
        assertThat(ended.get("actor").asString()).isEqualTo("system:snooze");
        assertThat(ended.get("data").get("message").asString()).isEqualTo("the snooze ended");
        await("level 1 paged again", () -> pages(id).size() == 2);
        assertThat(pages(id).get(1).get("generation").asInt()).as("the policy starts over").isEqualTo(2);
        assertThat(incident(id).get("snoozed_until").isNull()).isTrue();
    }

    @Test
    void aSnoozeEndsWithAnyStatusChangeAndIsRefusedWhereItMakesNoSense() {
        long id = open("error");
        Http.Response triggered = api.post("/api/v1/incidents/" + id + "/snooze", "{\"duration\":\"1h\"}");
        assertThat(triggered.status()).isEqualTo(409);
        assertThat(triggered.json().get("detail").asString()).contains("only an acknowledged incident can be snoozed");

        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        for (String body : new String[] {"{\"duration\":\"soon\"}", "{\"duration\":\"10d\"}", "{}", "{\"duration\":\"30s\"}"}) {
            Http.Response bad = api.post("/api/v1/incidents/" + id + "/snooze", body);
            assertThat(bad.status()).as(body).isEqualTo(400);
            assertThat(bad.json().get("errors").get(0).get("field").asString()).as(body).isEqualTo("duration");
        }

        api.post("/api/v1/incidents/" + id + "/snooze", "{\"duration\":\"30m\"}");
        api.post("/api/v1/incidents/" + id + "/resolve", null);
        advance(Duration.ofMinutes(30));
        settle();
        assertThat(incident(id).get("status").asString())
                .as("resolving ended the snooze").isEqualTo("resolved");
    }

    @Test
    void escalatingWithoutAPolicyOrAnIncidentIsRefused() {
        String dedup = unique("quiet");
        enqueue(trigger(CHECKOUT_KEY, dedup, "disk filling", "error"));
        long id = incidentOf(dedup);
        Http.Response noPolicy = api.post("/api/v1/incidents/" + id + "/escalate", null);
        assertThat(noPolicy.status()).isEqualTo(409);
        assertThat(noPolicy.json().get("detail").asString()).contains("no escalation policy");
        assertThat(api.post("/api/v1/incidents/999999/escalate", null).status()).isEqualTo(404);
        assertThat(api.as(Http.READ_KEY).post("/api/v1/incidents/" + id + "/escalate", null).status()).isEqualTo(403);
    }

    /** The response-target processor alone: the engine would also run the other processors against the moved clock. */
    private Processor responseTargets() {
        return processors.stream().filter(p -> p.name().equals("response-targets")).findFirst().orElseThrow();
    }

    @Test
    void whoIsOnCallAtEachLevelOfEachPolicy() {
        JsonNode onCall = api.get("/api/v1/oncall?at=2026-03-03T12:00:00Z").json();
        JsonNode payments = onCall.get("escalation_policies").get(0);
        assertThat(payments.get("policy").asString()).isEqualTo("payments");
        assertThat(payments.get("levels").get(0).get("users").toString()).isEqualTo("[\"bo\"]");
        assertThat(payments.get("levels").get(1).get("users").toString()).isEqualTo("[\"ana\"]");

        JsonNode policy = api.get("/api/v1/escalation-policies/payments").json();
        assertThat(policy.get("levels").get(0).get("delay").asString()).isEqualTo("15m");
        assertThat(policy.get("severities").get("P0").get("through_level").asInt()).isEqualTo(3);
        assertThat(policy.get("services").toString()).isEqualTo("[\"payments\"]");
        assertThat(api.get("/api/v1/escalation-policies/nope").status()).isEqualTo(404);
    }

    @Test
    void aServiceWithoutAPolicyPagesNobody() {
        String dedup = unique("quiet");
        enqueue(trigger(CHECKOUT_KEY, dedup, "disk filling", "error"));
        long id = incidentOf(dedup);
        JsonNode escalation = api.get("/api/v1/incidents/" + id + "/escalation").json();
        assertThat(escalation.get("state").asString()).isEqualTo("none");
        assertThat(outbox(id)).isEmpty();
    }

    @Test
    void webhookAddressesAreMaskedInTheUserList() {
        JsonNode ana = api.get("/api/v1/users/ana").json();
        assertThat(ana.get("contact_methods").get(0).get("address").asString()).isEqualTo("http://127.0.0.1:9/…");
        assertThat(ana.get("notification_rules").get(1).get("after").asString()).isEqualTo("5m");
        JsonNode bo = api.get("/api/v1/users/bo").json();
        assertThat(bo.get("contact_methods").get(0).get("type").asString()).isEqualTo("email");
    }
}
