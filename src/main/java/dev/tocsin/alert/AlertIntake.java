package dev.tocsin.alert;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.tocsin.text.SqlText;
import org.springframework.stereotype.Component;

/**
 * The way other features of Tocsin raise and resolve alerts (monitors today): the same group-committed pipeline,
 * deduplication, routing rules and incident opening as the Events API, so a failing monitor behaves exactly like
 * an external sender that triggers and resolves one dedup key.
 */
@Component
public class AlertIntake {

    private final IngestPipeline pipeline;
    private final Clock clock;

    AlertIntake(IngestPipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** Triggers (or repeats, possibly at a more urgent severity) the alert {@code dedupKey} of the service. */
    public CompletableFuture<IngestResult> trigger(String serviceId, String intake, String dedupKey, String summary,
                                                   String source, String severity, Map<String, String> labels,
                                                   String customDetailsJson) {
        return pipeline.submit(new Intake.AlertEvent(Intake.Action.TRIGGER, serviceId, intake, dedupKey,
                SqlText.abbreviate(summary, EventsApiEndpoint.MAX_SUMMARY), source, severity, clock.instant(),
                null, null, null, labels, customDetailsJson, null, null, null));
    }

    public CompletableFuture<IngestResult> resolve(String serviceId, String intake, String dedupKey) {
        return pipeline.submit(new Intake.AlertEvent(Intake.Action.RESOLVE, serviceId, intake, dedupKey, null, null, null,
                clock.instant(), null, null, null, Map.of(), null, null, null, null));
    }
}
