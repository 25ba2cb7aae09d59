package dev.tocsin.alert;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The intake's batches on a real PostgreSQL server: its look-ups of many keys at once and its ids under the lock. */
class PostgresIngestPipelineTest extends IngestPipelineTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
