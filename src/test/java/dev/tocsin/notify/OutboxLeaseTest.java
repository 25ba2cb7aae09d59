package dev.tocsin.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.tocsin.ApiTest;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox lease when two nodes work on one message: what a node does with a row must rest on the lease it holds
 * and on the row being due, not on what it read a moment before. The "other node" is played through the repository.
 */
class OutboxLeaseTest extends ApiTest {

    private static final String RESUMABLE_KEY = "test-resumable-key-00001";

    @Autowired
    OutboxRepository repository;

    @Autowired
    Outbox outbox;

    @Autowired
    Delivery delivery;

    @Autowired
    TransactionTemplate tx;

    private final LoopbackSink sink = TestReceivers.sink();

    /**
     * Node A read the message as due; node B then claimed it, got a 503 and put it back for later. A's claim must
     * not take it now: it is not due, and sending it at once ignores the back-off (and a receiver's Retry-After).
     */
    @Test
    void aClaimDoesNotTakeAMessageThatAnotherNodePutBackForLater() {
        String key = unique("lease-due");
        long id = tx.execute(s -> {
            outbox.enqueue(new Outbox.NewMessage(key, null, null, "webhook", "channel:nowhere-" + key, "opened",
                    "subject", Map.of("title", "t")));
            return repository.findByKey(key).orElseThrow().id();
        });
        Instant now = clock.instant();
        List<OutboxMessage> dueForA = repository.due("channel:nowhere-" + key, now, 10);
        assertThat(dueForA).extracting(OutboxMessage::id).containsExactly(id);

        // Node B, meanwhile: claims, sends, is told 503, puts it back for ten minutes.
        List<OutboxMessage> claimedByB = tx.execute(s -> repository.claim(List.of(id), now,
                now.plus(Duration.ofMinutes(2)), "node-b"));
        assertThat(claimedByB).hasSize(1);
        tx.executeWithoutResult(s -> repository.retryLater(List.of(id), now.plus(Duration.ofMinutes(10)),
                "HTTP 503", 503, false));

        // Node A goes on with what it read.
        List<OutboxMessage> claimedByA = tx.execute(s -> repository.claim(List.of(id), now,
                now.plus(Duration.ofMinutes(2)), "node-a"));
        assertThat(claimedByA).as("a message due in ten minutes claimed now").isEmpty();
    }

    /**
     * Node A's lease ran out while its request was under way (a slow receiver, a pause); node B took the message over,
     * as the lease allows, and delivered it. A's late answer (a refusal) must not turn B's delivered message into a
     * failed one, nor put a "notification.failed" on the incident's timeline.
     */
    @Test
    void aSenderWhoseLeaseWasTakenOverDoesNotOverwriteTheNewHoldersOutcome() throws Exception {
        String dedup = unique("lease-stale");
        assertThat(enqueue(trigger(RESUMABLE_KEY, dedup, "stale lease " + dedup, "error")).status()).isEqualTo(202);
        long incident = incidentOf(dedup);
        OutboxMessage m = outbox.list(incident, "pending", null, 10).get(0);
        int before = sink.requests("/hook/resume").size();
        sink.script("/hook/resume", new LoopbackSink.Answer(400, "refused", null, 1000));
        try {
            CompletableFuture<Integer> nodeA = CompletableFuture.supplyAsync(delivery::deliverDue);
            long waitUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sink.requests("/hook/resume").size() == before) {
                assertThat(System.nanoTime()).as("node A sends").isLessThan(waitUntil);
                Thread.sleep(10);
            }
            // A's request is at the receiver; its lease (2 min) runs out.
            clock.advance(Duration.ofMinutes(3));
            Instant now = clock.instant();
            List<OutboxMessage> claimedByB = tx.execute(s -> repository.claim(List.of(m.id()), now,
                    now.plus(Duration.ofMinutes(2)), "node-b"));
            assertThat(claimedByB).as("node B takes over the lapsed lease").hasSize(1);
            tx.executeWithoutResult(s -> repository.markSent(List.of(m.id()), now, 200, 1));
            nodeA.get();
        } finally {
            sink.answer("/hook/resume", LoopbackSink.Answer.status(200));
        }
        assertThat(repository.find(m.id()).orElseThrow().status()).as("delivered by node B").isEqualTo("sent");
        JsonNode timeline = api.get("/api/v1/incidents/" + incident + "/timeline").json();
        assertThat(timeline.toString()).doesNotContain("notification.failed");
    }
}
