package dev.tocsin;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same inputs on a real PostgreSQL server, which refuses what H2 stores: a NUL character in a text column is an
 * error there, so text that reached the database unchecked answered 500 in production only.
 */
class PostgresRobustnessTest extends RobustnessTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        EmbeddedPostgresSupport.useNewDatabase(registry);
    }
}
