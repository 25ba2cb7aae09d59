package dev.tocsin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on H2 in file mode, the embedded default; and what only H2 needs proven. */
class H2StoreTest extends StoreContract {

    @Autowired
    Timeline timeline;

    @Autowired
    TransactionTemplate tx;

    /**
     * Transactions that take the timeline and then roll back, racing others' commits. On H2 2.4 such a rollback could
     * restore the head as it was before a commit that had just released it: that commit's entries stayed stored past
     * the head and every later append collided with them. Without Timeline's in-process lock this failed in each of
     * four runs, within the first 12,000 transactions.
     */
    @Test
    void rollbacksAfterTakingTheTimelineLoseNoOnesEntries() throws Exception {
        long before = api.get("/api/v1/audit/verify").json().get("entries").asLong();
        int threads = 12;
        int perThread = 2_000;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> appended = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                appended.add(pool.submit(() -> {
                    int committed = 0;
                    for (int i = 0; i < perThread && System.nanoTime() < deadline; i++) {
                        boolean rollBack = (i + thread) % 3 == 0;
                        try {
                            tx.executeWithoutResult(status -> {
                                timeline.lock();
                                if (rollBack) {
                                    status.setRollbackOnly();
                                } else {
                                    for (int e = 0; e < 5; e++) {
                                        timeline.append(new NewEvent("test.race", Actor.system("h2-race-test"), null,
                                                null, null, Map.of("thread", thread)));
                                    }
                                }
                            });
                            committed += rollBack ? 0 : 5;
                        } catch (RuntimeException e) {
                            throw new AssertionError("transaction " + i + " of thread " + thread + " failed", e);
                        }
                    }
                    return committed;
                }));
            }
            long committed = 0;
            for (Future<Integer> f : appended) {
                committed += f.get();
            }
            JsonNode verify = api.get("/api/v1/audit/verify").json();
            assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
            assertThat(verify.get("entries").asLong()).isGreaterThanOrEqualTo(before + committed);
        } finally {
            pool.shutdown();
        }
    }
}
