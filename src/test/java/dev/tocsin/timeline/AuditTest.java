package dev.tocsin.timeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The timeline is a hash chain: verification passes untouched and names the first entry that was altered or lost. */
class AuditTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Timeline timeline;

    @Autowired
    TransactionTemplate tx;

    @Test
    void anUntouchedChainVerifies() {
        enqueue(trigger(CHECKOUT_KEY, unique("audit"), "Audit me", "info"));
        JsonNode result = api.get("/api/v1/audit/verify").json();
        assertThat(result.get("ok").asBoolean()).isTrue();
        assertThat(result.get("entries").asLong()).isGreaterThan(1);
        assertThat(result.get("first_broken").isNull()).isTrue();
    }

    @Test
    void eachEntryCarriesItsPredecessorsHash() {
        enqueue(trigger(CHECKOUT_KEY, unique("chain"), "Chain", "info"));
        JsonNode events = api.get("/api/v1/audit/events?limit=1000").json();
        assertThat(events.get(0).get("prev_hash").asString()).isEqualTo("0".repeat(64));
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("prev_hash").asString()).isEqualTo(events.get(i - 1).get("hash").asString());
            assertThat(events.get(i).get("seq").asLong()).isEqualTo(events.get(i - 1).get("seq").asLong() + 1);
        }
    }

    @Test
    void anAlteredEntryIsNamed() {
        String key = unique("tamper");
        enqueue(trigger(CHECKOUT_KEY, key, "Original summary", "info"));
        enqueue(trigger(CHECKOUT_KEY, unique("after"), "Later entry", "info"));
        long seq = jdbc.sql("SELECT seq FROM timeline_event WHERE kind = 'alert.triggered' AND data LIKE :k")
                .param("k", "%" + key + "%").query(Long.class).single();
        String original = jdbc.sql("SELECT data FROM timeline_event WHERE seq = :s").param("s", seq).query(String.class).single();
        try {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s")
                    .param("d", original.replace("Original summary", "Harmless summary")).param("s", seq).update();

            Http.Response r = api.get("/api/v1/audit/verify");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("ok").asBoolean()).isFalse();
            assertThat(r.json().get("first_broken").get("seq").asLong()).isEqualTo(seq);
            assertThat(r.json().get("first_broken").get("reason").asString()).contains("altered");
        } finally {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s").param("d", original).param("s", seq).update();
        }
        assertThat(api.get("/api/v1/audit/verify").json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void anEntryPastTheHeadIsNamed() {
        enqueue(trigger(CHECKOUT_KEY, unique("past"), "Past the head", "info"));
        Head head = leaveTheHeadBehind();
        try {
            JsonNode r = api.get("/api/v1/audit/verify").json();
            assertThat(r.get("ok").asBoolean()).isFalse();
            assertThat(r.get("entries").asLong()).isEqualTo(head.seq() - 1);
            assertThat(r.get("first_broken").get("seq").asLong()).isEqualTo(head.seq());
            assertThat(r.get("first_broken").get("reason").asString()).contains("the head lost a write");
        } finally {
            setHead(head);
        }
        assertThat(api.get("/api/v1/audit/verify").json().get("ok").asBoolean()).isTrue();
    }

    @Test
    void aHeadLeftBehindIsMovedOverTheEntriesThatChainFromIt() {
        enqueue(trigger(CHECKOUT_KEY, unique("behind"), "Head left behind", "info"));
        long seq = leaveTheHeadBehind().seq();

        timeline.repairHead();

        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
        assertThat(verify.get("entries").asLong()).isEqualTo(seq + 1);
        JsonNode repaired = api.get("/api/v1/audit/events?after=" + seq + "&limit=1").json().get(0);
        assertThat(repaired.get("kind").asString()).isEqualTo("timeline.head_repaired");
        assertThat(repaired.get("data").get("head_was").asLong()).isEqualTo(seq - 1);
        assertThat(repaired.get("data").get("head_now").asLong()).isEqualTo(seq);
        assertThat(enqueue(trigger(CHECKOUT_KEY, unique("after"), "Appends again", "info")).status()).isEqualTo(202);
    }

    @Test
    void anAlteredEntryPastTheHeadIsNotChainedOnto() {
        enqueue(trigger(CHECKOUT_KEY, unique("altered-past"), "Altered past the head", "info"));
        Head head = leaveTheHeadBehind();
        String data = jdbc.sql("SELECT data FROM timeline_event WHERE seq = :s").param("s", head.seq())
                .query(String.class).single();
        try {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s").param("d", data.replace("Altered", "Edited"))
                    .param("s", head.seq()).update();

            timeline.repairHead();

            assertThat(jdbc.sql("SELECT seq FROM timeline_head WHERE id = 1").query(Long.class).single())
                    .isEqualTo(head.seq() - 1);
            assertThat(api.get("/api/v1/audit/verify").json().get("first_broken").get("seq").asLong())
                    .isEqualTo(head.seq());
        } finally {
            jdbc.sql("UPDATE timeline_event SET data = :d WHERE seq = :s").param("d", data).param("s", head.seq()).update();
            setHead(head);
        }
    }

    /** The work after a commit (live updates to browsers, waking delivery) runs once the next writer may go. */
    @Test
    void theNextWriterNeedNotWaitForTheWorkAfterACommit() throws Exception {
        CountDownLatch afterCommitRunning = new CountDownLatch(1);
        CountDownLatch nextWriterDone = new CountDownLatch(1);
        Thread first = new Thread(() -> tx.executeWithoutResult(status -> {
            timeline.lock();
            timeline.append(new NewEvent("test.first", Actor.system("audit-test"), null, null, null, null));
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    afterCommitRunning.countDown();
                    try {
                        nextWriterDone.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }));
        first.start();
        try {
            assertThat(afterCommitRunning.await(30, TimeUnit.SECONDS)).isTrue();
            // Within tocsin.timeline.lock-timeout (3 s in the API tests), or a CannotAcquireLockException.
            Long seq = tx.execute(status -> timeline.append(
                    new NewEvent("test.next", Actor.system("audit-test"), null, null, null, null)));
            assertThat(seq).isPositive();
        } finally {
            nextWriterDone.countDown();
            first.join();
        }
    }

    record Head(long seq, String hash) {
    }

    /**
     * Sets the head back one entry, as an H2 lost update left it (Timeline's class comment), and returns it as it
     * was. Commits at once: a timer firing meanwhile fails on the stored entry and is retried.
     */
    private Head leaveTheHeadBehind() {
        Head head = jdbc.sql("SELECT seq, hash FROM timeline_head WHERE id = 1").query(Head.class).single();
        String prev = jdbc.sql("SELECT prev_hash FROM timeline_event WHERE seq = :s").param("s", head.seq())
                .query(String.class).single();
        setHead(new Head(head.seq() - 1, prev));
        return head;
    }

    private void setHead(Head head) {
        jdbc.sql("UPDATE timeline_head SET seq = :s, hash = :h WHERE id = 1").param("s", head.seq())
                .param("h", head.hash()).update();
    }

    @Test
    void configurationIsOnTheTimeline() {
        JsonNode first = api.get("/api/v1/audit/events?limit=1").json().get(0);
        assertThat(first.get("kind").asString()).isEqualTo("config.applied");
        assertThat(first.get("data").get("sha256").asString()).hasSize(64);
    }
}
