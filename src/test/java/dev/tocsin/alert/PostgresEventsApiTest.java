package dev.tocsin.alert;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Events API (dedup, routing, maintenance windows, resolving by hand) on PostgreSQL. */
class PostgresEventsApiTest extends EventsApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
