package dev.tocsin.config;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the configuration file named by {@code TOCSIN_CONFIG} once, at start-up. */
@Configuration(proxyBeanMethods = false)
class ConfigConfiguration {

    @Bean
    TocsinConfig tocsinConfig(@Value("${tocsin.config}") String location) {
        return new ConfigLoader(System::getenv).load(location);
    }
}
