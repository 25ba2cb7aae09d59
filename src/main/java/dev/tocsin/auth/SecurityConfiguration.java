package dev.tocsin.auth;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ProblemResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Who may call what. Intake endpoints authenticate by the integration key in the URL or body, health is
 * public (seed 000 curls it), and the REST API needs an API key: GET needs read, changes need write,
 * API key management needs admin.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyService keys, RateLimits rateLimits, TocsinConfig config)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, rateLimits, config), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/v2/**", "/api/v1/integrations/**", "/api/v1/heartbeat/**").permitAll()
                        .requestMatchers("/health", "/api/health/deep", "/actuator/health", "/actuator/prometheus",
                                "/error").permitAll()
                        .requestMatchers("/api/v1/api-keys/**").hasAuthority("SCOPE_admin")
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAuthority("SCOPE_read")
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasAuthority("SCOPE_read")
                        .requestMatchers("/api/**").hasAuthority("SCOPE_write")
                        .requestMatchers("/actuator/**").hasAuthority("SCOPE_admin")
                        .anyRequest().permitAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            ProblemResponses.write(response, 401, "Unauthorized",
                                    "An API key is required: send 'Authorization: Bearer <key>'.");
                        })
                        .accessDeniedHandler((request, response, ex) -> ProblemResponses.write(response, 403, "Forbidden",
                                "This API key's scope does not allow " + request.getMethod() + " " + request.getRequestURI()
                                        + " (" + requiredScope(request.getMethod(), request.getRequestURI()) + " scope needed).")));
        return http.build();
    }

    /** No form or basic users yet: this keeps Spring Boot from inventing a default password. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }

    private static String requiredScope(String method, String uri) {
        if (uri.startsWith("/api/v1/api-keys") || uri.startsWith("/actuator")) {
            return "admin";
        }
        return method.equals("GET") || method.equals("HEAD") ? "read" : "write";
    }
}
