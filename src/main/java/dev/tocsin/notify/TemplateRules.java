package dev.tocsin.notify;

import java.util.List;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigRules;
import dev.tocsin.config.TocsinConfig;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** The file's message templates, checked as {@link Templates} compiles them: syntax, and only variables that exist. */
@Component
@Order(2)
public final class TemplateRules implements ConfigRules {

    /** Only the sample links are built from it; which variables exist does not depend on it. */
    private static final String ANY_PUBLIC_URL = "http://localhost";

    @Override
    public List<String> problems(TocsinConfig config) {
        try {
            new Templates(config, new MessageFacts(config, ANY_PUBLIC_URL));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
