package dev.tocsin.statuspage;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What the page publishes, with the person's choice stored in PostgreSQL's BOOLEAN column (V27). */
class PostgresStatusPagePublishingTest extends StatusPagePublishingTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
