package dev.tocsin;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on a real PostgreSQL server, the production engine. */
class PostgresStoreTest extends StoreContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }

    @Test
    void runsOnPostgres() {
        JsonNode database = anonymous.get("/api/health/deep").json().get("database");
        assertThat(database.get("product").asString()).startsWith("PostgreSQL");
        assertThat(database.has("file_mb")).as("no embedded file to report").isFalse();
    }
}
