package dev.tocsin.alert;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Alertmanager webhooks (their groups' incidents included), the generic intake and heartbeats on PostgreSQL. */
class PostgresIntegrationsTest extends IntegrationsTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
