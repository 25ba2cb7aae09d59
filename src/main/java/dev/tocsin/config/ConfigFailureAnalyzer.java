package dev.tocsin.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid configuration into a short start-up message instead of a stack trace. */
class ConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, ConfigException cause) {
        return new FailureAnalysis(cause.report(),
                "Fix the fields listed above (see docs/configuration.md), or point TOCSIN_CONFIG at another file.",
                cause);
    }
}
