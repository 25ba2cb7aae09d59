package dev.tocsin.web;

import dev.tocsin.EmbeddedPostgresSupport;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The UI's pages (services' recent resolutions among them) on PostgreSQL. */
class PostgresUiPagesTest extends UiPagesTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
