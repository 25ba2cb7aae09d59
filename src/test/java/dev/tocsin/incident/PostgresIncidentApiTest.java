package dev.tocsin.incident;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The incident API (declare, lifecycle, roles, impact and its patch, listing and its filters) on PostgreSQL. */
class PostgresIncidentApiTest extends IncidentApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
