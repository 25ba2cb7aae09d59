package dev.tocsin.ops;

import java.util.Arrays;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Refuses to start on a database that a newer Tocsin has migrated. Flyway by default ignores applied migrations it
 * does not know, so an older jar (a rollback after an upgrade) would start, then fail request by request on tables
 * and columns it does not know, or write rows that the newer schema's rules were meant to prevent.
 */
@Configuration(proxyBeanMethods = false)
class SchemaVersionCheck {

    @Bean
    FlywayMigrationStrategy migrateUnlessNewer() {
        return flyway -> {
            MigrationInfoService info = flyway.info();
            MigrationInfo newest = info.current();
            if (newest != null && isFuture(newest)) {
                String known = Arrays.stream(info.all()).filter(m -> !isFuture(m)).reduce((a, b) -> b)
                        .map(m -> m.getVersion().getVersion()).orElse("none");
                throw new NewerSchemaException(newest.getVersion().getVersion(), known);
            }
            flyway.migrate();
        };
    }

    private static boolean isFuture(MigrationInfo migration) {
        return migration.getState() == MigrationState.FUTURE_SUCCESS || migration.getState() == MigrationState.FUTURE_FAILED;
    }

    /** The database's schema is newer than this jar's migrations; {@link NewerSchemaFailureAnalyzer} words it. */
    static final class NewerSchemaException extends IllegalStateException {

        final String databaseVersion;
        final String jarVersion;

        NewerSchemaException(String databaseVersion, String jarVersion) {
            super("the database is at schema version " + databaseVersion + ", newer than this jar's " + jarVersion);
            this.databaseVersion = databaseVersion;
            this.jarVersion = jarVersion;
        }
    }
}
