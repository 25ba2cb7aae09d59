package dev.tocsin.alert;

import dev.tocsin.auth.RateLimits;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the Events API from a filter first in line, ahead of Spring Security and MVC (see {@link EventsApiEndpoint}).
 * The web server creates its filters before the rest of the application, so the pipeline (and with it the database)
 * is injected lazily: the database is opened in the usual order, and a failure to open it is reported as such.
 */
@Configuration(proxyBeanMethods = false)
class EventsApiConfiguration {

    @Bean
    FilterRegistrationBean<EventsApiEndpoint> eventsApi(@Lazy IngestPipeline pipeline, Catalog catalog, RateLimits rateLimits,
                                                        JsonMapper json, TocsinConfig config, MeterRegistry meters) {
        FilterRegistrationBean<EventsApiEndpoint> registration =
                new FilterRegistrationBean<>(new EventsApiEndpoint(pipeline, catalog, rateLimits, json, config, meters));
        registration.addUrlPatterns(EventsApiEndpoint.ENQUEUE, EventsApiEndpoint.CHANGE_ENQUEUE);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
