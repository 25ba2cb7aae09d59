package dev.tocsin.alert;

import java.util.List;

import dev.tocsin.auth.RateLimits;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.problem.TooManyRequestsException;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * What the Alertmanager, generic and heartbeat endpoints share: the integration key in the URL names the
 * service, the key's rate limit applies, and the answer waits until every event is committed.
 */
@Component
class IntegrationIntake {

    private final Catalog catalog;
    private final RateLimits rateLimits;
    private final IngestPipeline pipeline;
    private final MeterRegistry meters;
    private final int eventsPerSecond;

    IntegrationIntake(Catalog catalog, RateLimits rateLimits, IngestPipeline pipeline, MeterRegistry meters,
                      TocsinConfig config) {
        this.catalog = catalog;
        this.rateLimits = rateLimits;
        this.pipeline = pipeline;
        this.meters = meters;
        this.eventsPerSecond = config.limits().eventsPerSecond();
    }

    /** The service of an integration key, after its rate limit; 404 for an unknown key, 429 over the limit. */
    TocsinConfig.Service admit(String integrationKey, String intake) {
        TocsinConfig.Service service = catalog.serviceForIntegrationKey(integrationKey)
                .orElseThrow(() -> new NotFoundException("no service has the integration key in this URL"));
        if (!rateLimits.tryAcquire("integration:" + integrationKey, eventsPerSecond)) {
            IngestCounters.rejected(meters, intake, "throttled").increment();
            throw new TooManyRequestsException("this integration key is limited to " + eventsPerSecond
                    + " events per second", RateLimits.retryAfterSeconds());
        }
        return service;
    }

    /** Commits the events and returns once all are durable; 429 when the intake queue is full. */
    List<IngestResult> submitAll(List<? extends Intake> events, String intake) {
        IngestCounters.accepted(meters, intake, "any").increment(events.size());
        try {
            return pipeline.submitAndWait(events);
        } catch (IngestPipeline.OverloadedException e) {
            throw new TooManyRequestsException("the intake queue is full", RateLimits.retryAfterSeconds());
        }
    }
}
