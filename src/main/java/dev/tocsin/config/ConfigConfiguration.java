package dev.tocsin.config;

import java.util.function.UnaryOperator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Loads the configuration file named by {@code TOCSIN_CONFIG} once, at start-up, checked by the features' {@link ConfigRules}
 * too. {@code ${NAME}} references in it
 * are environment variables; Java system properties of the same name work too (handy in tests and containers).
 */
@Configuration(proxyBeanMethods = false)
class ConfigConfiguration {

    @Bean
    TocsinConfig tocsinConfig(@Value("${tocsin.config}") String location, Environment environment,
                              ObjectProvider<ConfigRules> featureRules) {
        return new ConfigLoader(variables(environment), featureRules.orderedStream().toList()).load(location);
    }

    /**
     * A variable's value as it is set. {@link Environment#getProperty} would resolve {@code ${...}} inside the value
     * too: a secret holding {@code ${} would be changed, or refuse start-up with a stack trace that prints it.
     */
    static UnaryOperator<String> variables(Environment environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return environment::getProperty;
        }
        return name -> {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                Object value = source.getProperty(name);
                if (value != null) {
                    return value.toString();
                }
            }
            return null;
        };
    }
}
