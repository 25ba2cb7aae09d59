package dev.tocsin.alert;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.tocsin.text.SqlText;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The way other features of Tocsin raise and resolve alerts (monitors today): the same group-committed pipeline,
 * deduplication, routing rules and incident opening as the Events API, so a failing monitor behaves exactly like
 * an external sender that triggers and resolves one dedup key.
 */
@Component
public class AlertIntake {

    /** A key alerts are deduplicated on: at most one open alert per service and dedup key. */
    public record AlertKey(String serviceId, String dedupKey) {
    }

    private final IngestPipeline pipeline;
    private final AlertRepository alerts;
    private final Clock clock;

    AlertIntake(IngestPipeline pipeline, AlertRepository alerts, Clock clock) {
        this.pipeline = pipeline;
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * Of these keys, those whose alert is open (triggered or acknowledged). A sender that raised an alert learns from
     * it whether somebody resolved it meanwhile (by hand, or with its incident), in one statement per 64 keys.
     */
    @Transactional(readOnly = true)
    public Set<AlertKey> open(Collection<AlertKey> keys) {
        return alerts.findOpen(keys.stream().map(k -> new AlertRepository.Key(k.serviceId(), k.dedupKey())).toList())
                .keySet().stream().map(k -> new AlertKey(k.serviceId(), k.dedupKey())).collect(Collectors.toSet());
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
        return resolve(serviceId, intake, dedupKey, null);
    }

    /** Resolves the alert {@code dedupKey} of the service, saying why on the timeline entry ({@code reason}). */
    public CompletableFuture<IngestResult> resolve(String serviceId, String intake, String dedupKey, String reason) {
        return pipeline.submit(new Intake.AlertEvent(Intake.Action.RESOLVE, serviceId, intake, dedupKey, null, null, null,
                clock.instant(), null, null, null, Map.of(), null, null, null, null, reason));
    }
}
