package dev.tocsin.monitor;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Monitors on a real PostgreSQL server: what a check stores (its reason quotes the target's answer, which may hold
 * what PostgreSQL refuses), the leases, the rollups and the alerts they raise.
 */
class PostgresMonitorApiTest extends MonitorApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
