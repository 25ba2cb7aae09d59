package dev.tocsin.statuspage;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The status page's figures (every incident of the 90 days, paged; day bounds) on PostgreSQL. */
class PostgresStatusPageFiguresTest extends StatusPageFiguresTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
