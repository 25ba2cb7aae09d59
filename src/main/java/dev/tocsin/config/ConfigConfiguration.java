package dev.tocsin.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Loads the configuration file named by {@code TOCSIN_CONFIG} once, at start-up. {@code ${NAME}} references in it
 * are environment variables; Java system properties of the same name work too (handy in tests and containers).
 */
@Configuration(proxyBeanMethods = false)
class ConfigConfiguration {

    @Bean
    TocsinConfig tocsinConfig(@Value("${tocsin.config}") String location, Environment environment) {
        return new ConfigLoader(environment::getProperty).load(location);
    }
}
