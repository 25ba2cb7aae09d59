package dev.tocsin.notify;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Notifications on a real PostgreSQL server: the outbox's claims, leases, retries and per-channel limits. */
class PostgresNotificationApiTest extends NotificationApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
