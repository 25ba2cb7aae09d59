package dev.tocsin.web;

import dev.tocsin.problem.ProblemResponses;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The error path is where the web server forwards a failed request to have it answered. Asked for directly it has no
 * failure to report, and Spring Boot's error controller answered that as a 500 ("status 999"), to anybody: it is a
 * path like any other that does not exist, a 404. Only requests are stopped; the server's own forwards pass.
 */
@Configuration(proxyBeanMethods = false)
class ErrorPathRequests {

    @Bean
    FilterRegistrationBean<Filter> errorPathAskedForDirectly(@Value("${server.error.path:/error}") String errorPath) {
        Filter notFound = (request, response, chain) -> ProblemResponses.write((HttpServletResponse) response, 404,
                "Not found", "no such path: " + errorPath);
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(notFound);
        registration.addUrlPatterns(errorPath);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
