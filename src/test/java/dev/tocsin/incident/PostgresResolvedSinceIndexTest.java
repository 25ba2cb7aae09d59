package dev.tocsin.incident;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The 90 days' resolutions as a range of the status index, on PostgreSQL. */
class PostgresResolvedSinceIndexTest extends ResolvedSinceIndexTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
