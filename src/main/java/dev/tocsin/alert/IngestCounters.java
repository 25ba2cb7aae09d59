package dev.tocsin.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The intake's two counters, with one description each whichever intake counts. */
final class IngestCounters {

    private IngestCounters() {
    }

    /** {@code tocsin_ingest_events_total{intake,action}}. */
    static Counter accepted(MeterRegistry meters, String intake, String action) {
        return Counter.builder("tocsin.ingest.events").description("Events accepted for commit")
                .tag("intake", intake).tag("action", action).register(meters);
    }

    /** {@code tocsin_ingest_rejected_total{intake,reason}}: {@code invalid} or {@code throttled}. */
    static Counter rejected(MeterRegistry meters, String intake, String reason) {
        return Counter.builder("tocsin.ingest.rejected").description("Events refused, as invalid or over a rate limit")
                .tag("intake", intake).tag("reason", reason).register(meters);
    }
}
