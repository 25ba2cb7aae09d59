package dev.tocsin.ops;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/** Says in two sentences that a newer Tocsin migrated the database, and what to do, instead of a stack trace. */
class NewerSchemaFailureAnalyzer extends AbstractFailureAnalyzer<SchemaVersionCheck.NewerSchemaException> {

    private final Environment environment;

    NewerSchemaFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable root, SchemaVersionCheck.NewerSchemaException cause) {
        String url = DatabaseFailureAnalyzer.withoutSecrets(environment.getProperty("spring.datasource.url", "(not set)"));
        return new FailureAnalysis("The database " + url + " was migrated by a newer Tocsin: its schema is at version "
                + cause.databaseVersion + " and this jar knows versions up to " + cause.jarVersion + ".",
                "Run the newer Tocsin on it, or restore the backup taken before the upgrade (docs/deployment.md, "
                        + "\"Upgrades\"). Nothing was changed in the database.",
                cause);
    }
}
