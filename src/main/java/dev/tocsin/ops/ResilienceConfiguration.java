package dev.tocsin.ops;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one registry of named circuit breakers; delivery channels register theirs and health reports them all. */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry() {
        return CircuitBreakerRegistry.ofDefaults();
    }
}
