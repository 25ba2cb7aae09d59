package dev.tocsin.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The intake commits events in batches, its writers taking turns. When one event of a batch cannot be applied,
 * the batch is rolled back and its events are applied one by one: the bad one fails alone, and no event that arrived
 * after them may be applied before its neighbours.
 */
class IngestPipelineTest extends ApiTest {

    private static final int ROUNDS = 120;

    @Autowired
    IngestPipeline pipeline;

    @Test
    void aBadEventFailsAloneAndLaterEventsAreNotAppliedBeforeItsNeighbours() throws Exception {
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<IngestResult>> triggers = new ArrayList<>();
        List<CompletableFuture<IngestResult>> changes = new ArrayList<>();
        List<CompletableFuture<IngestResult>> resolves = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            String key = unique("retried-" + i);
            keys.add(key);
            triggers.add(pipeline.submit(staging(Intake.Action.TRIGGER, key)));
            // A change for a service the database does not know, as when a service is removed from the configuration
            // while its events queue: the insert breaks a foreign key, and with it the whole batch.
            changes.add(pipeline.submit(new Intake.ChangeEvent("removed-service", "deploy " + i, "ci",
                    Instant.parse("2026-03-01T10:00:00Z"), null, null)));
            // A pause, so that a writer takes the trigger and the bad change as one batch and the resolve comes in
            // the other writer's batch, which waits for the first one's transaction to end.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            resolves.add(pipeline.submit(staging(Intake.Action.RESOLVE, key)));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }

        for (int i = 0; i < ROUNDS; i++) {
            String key = keys.get(i);
            assertThat(triggers.get(i).get(30, TimeUnit.SECONDS).outcome()).as(key).isEqualTo(IngestResult.Outcome.CREATED);
            assertThat(changes.get(i)).as("change %d", i).failsWithin(30, TimeUnit.SECONDS);
            assertThat(resolves.get(i).get(30, TimeUnit.SECONDS).outcome())
                    .as("the resolve of %s, sent after its trigger", key).isEqualTo(IngestResult.Outcome.RESOLVED);
            assertThat(alerts(key).get(0).get("status").asString()).as(key).isEqualTo("resolved");
        }
    }

    /**
     * A batch reads the open alert of every key it holds in one statement and keeps them current as it applies its
     * events: a key's later events in the same batch must see what its earlier ones did. The triggers of more keys
     * than one statement reads come first, back to back, then each key's repeat, acknowledgement, resolve and new
     * trigger, so that batches hold a key several times.
     */
    @Test
    void aKeysEventsInOneBatchSeeEachOther() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            keys.add(unique("one-batch-" + i));
        }
        Map<String, List<CompletableFuture<IngestResult>>> results = new LinkedHashMap<>();
        for (String key : keys) {
            results.computeIfAbsent(key, k -> new ArrayList<>()).add(pipeline.submit(paging(Intake.Action.TRIGGER, key)));
        }
        for (String key : keys) {
            for (Intake.Action action : List.of(Intake.Action.TRIGGER, Intake.Action.ACKNOWLEDGE, Intake.Action.RESOLVE,
                    Intake.Action.TRIGGER)) {
                results.get(key).add(pipeline.submit(paging(action, key)));
            }
        }

        for (String key : keys) {
            List<IngestResult.Outcome> outcomes = new ArrayList<>();
            for (CompletableFuture<IngestResult> result : results.get(key)) {
                outcomes.add(result.get(30, TimeUnit.SECONDS).outcome());
            }
            assertThat(outcomes).as(key).containsExactly(IngestResult.Outcome.CREATED, IngestResult.Outcome.REPEATED,
                    IngestResult.Outcome.ACKNOWLEDGED, IngestResult.Outcome.RESOLVED, IngestResult.Outcome.CREATED);
            JsonNode found = alerts(key);
            assertThat(found).as(key).hasSize(2);
            assertThat(found.get(0).get("status").asString()).as(key).isEqualTo("triggered");
            assertThat(found.get(0).get("event_count").asInt()).as(key).isEqualTo(1);
            assertThat(found.get(1).get("status").asString()).as(key).isEqualTo("resolved");
            assertThat(found.get(1).get("event_count").asInt()).as(key).isEqualTo(2);
            assertThat(found.get(1).get("acknowledged_at").isNull()).as(key).isFalse();
            long first = found.get(1).get("incident_id").asLong();
            long second = found.get(0).get("incident_id").asLong();
            assertThat(second).as(key).isNotEqualTo(first);
            assertThat(incident(first).get("status").asString()).as(key).isEqualTo("resolved");
            assertThat(incident(second).get("status").asString()).as(key).isEqualTo("triggered");
        }
    }

    /** An alert on checkout that opens an incident. */
    private static Intake.AlertEvent paging(Intake.Action action, String key) {
        return new Intake.AlertEvent(action, "checkout", "events-v2", key, "one batch", "test", "warning",
                null, null, null, null, Map.of(), null, null, null, null);
    }

    /** An alert on checkout that the test configuration's routing suppresses: no incident, nothing paged. */
    private static Intake.AlertEvent staging(Intake.Action action, String key) {
        return new Intake.AlertEvent(action, "checkout", "events-v2", key, "retried in order", "test", "warning",
                null, null, null, null, Map.of("env", "staging"), null, null, null, null);
    }
}
