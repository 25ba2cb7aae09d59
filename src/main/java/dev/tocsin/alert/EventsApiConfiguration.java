package dev.tocsin.alert;

import dev.tocsin.auth.RateLimits;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.coyote.AbstractProtocol;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the Events API from a filter first in line, ahead of Spring Security and MVC (see {@link EventsApiEndpoint}).
 * The web server creates its filters before the rest of the application, so the pipeline (and with it the database)
 * is looked up at the first request: the database is opened in the usual order, and a failure to open it is reported
 * as such. A provider rather than {@code @Lazy}: no proxy class to generate at start, none to pass through per event.
 */
@Configuration(proxyBeanMethods = false)
class EventsApiConfiguration {

    @Bean
    FilterRegistrationBean<EventsApiEndpoint> eventsApi(ObjectProvider<IngestPipeline> pipeline, Catalog catalog,
                                                        RateLimits rateLimits, JsonMapper json, TocsinConfig config,
                                                        MeterRegistry meters) {
        EventsApiEndpoint endpoint = new EventsApiEndpoint(SingletonSupplier.of(pipeline::getObject), catalog,
                rateLimits, json, config, meters);
        FilterRegistrationBean<EventsApiEndpoint> registration = new FilterRegistrationBean<>(endpoint);
        registration.addUrlPatterns(EventsApiEndpoint.ENQUEUE, EventsApiEndpoint.CHANGE_ENQUEUE,
                EventsApiEndpoint.V1_CREATE_EVENT);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * The web server's request threads run at the lowest Java priority, so that on a busy machine the CPU goes first to
     * the intake writers, which commit what was already accepted, and only then to parsing more. Under load the writers
     * are the serial step: while one waits for a core behind dozens of request threads, every request in its batch
     * waits too (docs/performance.md, "Request threads yield to the writers").
     *
     * <p>The JVM passes Java priorities to Linux only with {@code -XX:ThreadPriorityPolicy=1}, and maps the lowest to
     * nice 10 with {@code -XX:JavaPriority1_To_OSPriority=10} (docs/deployment.md); without those flags this changes
     * nothing. Raising a thread's nice value needs no privilege.
     */
    @Bean
    TomcatProtocolHandlerCustomizer<AbstractProtocol<?>> requestThreadsYieldToWriters() {
        return protocol -> protocol.setThreadPriority(Thread.MIN_PRIORITY);
    }
}
