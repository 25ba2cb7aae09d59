package dev.tocsin.auth;

import java.net.URI;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ProblemResponses;
import dev.tocsin.text.SqlText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Who may call what. Intake endpoints authenticate by the integration key in the URL or body, health is
 * public (seed 000 curls it), and the REST API needs an API key: GET needs read, changes need write,
 * API key management, backups and defining monitors need admin.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** The iCalendar feeds: what a calendar-scope key may read, and the only paths that take a key as {@code ?key=}. */
    static final String[] CALENDAR_FEEDS = {"/api/v1/schedules/*/shifts.ics", "/api/v1/users/*/shifts.ics"};

    /** The Spring Security roles of a signed-in person, one per {@link TocsinConfig.UserRole}. */
    private static final String RESPONDER = "RESPONDER";
    private static final String OBSERVER = "OBSERVER";

    /**
     * Every page is our own templates, scripts and styles, none of them inline: a script or style that someone's
     * text smuggled into a page would not run even if an escape were ever missed. Images may come from anywhere over
     * http(s) (the status page's logo). No page may be framed (click-jacking an Acknowledge button).
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' https: http: data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /**
     * The web UI: people sign in with the password of their user in the configuration (a bcrypt hash there), get a
     * session cookie, and every form carries a CSRF token. Only UI paths; the API below stays stateless.
     */
    @Bean
    @Order(1)
    SecurityFilterChain uiSecurity(HttpSecurity http, SignInAttempts attempts, TocsinConfig config) throws Exception {
        SavedRequestAwareAuthenticationSuccessHandler backToWhereTheyWere = new SavedRequestAwareAuthenticationSuccessHandler();
        backToWhereTheyWere.setDefaultTargetUrl("/dashboard");
        // The page asked for is saved as an absolute URL built from the request; sent back as a path, like every other
        // redirect here, the browser stays on the scheme, host and port it used whatever a proxy says or omits.
        backToWhereTheyWere.setRedirectStrategy((request, response, url) -> {
            URI target = URI.create(url);
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            response.sendRedirect(response.encodeRedirectURL(path));
        });
        http.securityMatcher("/login", "/logout", "/dashboard", "/incidents/**", "/ui/**")
                // Reading is every signed-in person's; anything else (every form, whatever its address) a responder's.
                // Sign-out is not refused: the logout filter answers it before this is asked.
                .authorizeHttpRequests(a -> a.requestMatchers("/login").permitAll()
                        .requestMatchers(HttpMethod.GET).authenticated()
                        .requestMatchers(HttpMethod.HEAD).authenticated()
                        .anyRequest().hasRole(RESPONDER))
                .formLogin(f -> f.loginPage("/login").permitAll()
                        .successHandler((request, response, who) -> {
                            attempts.succeeded(signInSource(request));
                            backToWhereTheyWere.onAuthenticationSuccess(request, response, who);
                        })
                        .failureHandler((request, response, failure) -> {
                            boolean locked = attempts.refusedAfterFailure(signInSource(request));
                            response.sendRedirect(request.getContextPath() + (locked ? "/login?locked" : "/login?error"));
                        }))
                // Ahead of the password check: a refused attempt is answered before bcrypt is asked, right password or
                // not, and the same for a name that exists and one that does not (both are counted alike).
                .addFilterBefore((request, response, chain) -> {
                    HttpServletRequest signIn = (HttpServletRequest) request;
                    if ("POST".equals(signIn.getMethod()) && "/login".equals(signIn.getServletPath())
                            && !attempts.admit(signInSource(signIn))) {
                        ((HttpServletResponse) response).sendRedirect(signIn.getContextPath() + "/login?locked");
                        return;
                    }
                    chain.doFilter(request, response);
                }, UsernamePasswordAuthenticationFilter.class)
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signed-out"))
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
                .headers(SecurityConfiguration::pageHeaders)
                // A form sent after its session ended fails its CSRF check: say so on the sign-in page rather than
                // with a bare 403 ("access denied") that leaves the person guessing. Signed in, it stays a 403.
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) -> {
                    Authentication who = SecurityContextHolder.getContext().getAuthentication();
                    boolean signedIn = who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
                    if (denied instanceof CsrfException && !signedIn) {
                        response.sendRedirect(request.getContextPath() + "/login?expired");
                    } else if (signedIn && !(denied instanceof CsrfException) && who.getAuthorities().stream()
                            .noneMatch(g -> ("ROLE_" + RESPONDER).equals(g.getAuthority()))) {
                        ReadOnlyRefusal.write(response, config.user(who.getName()).orElse(null), who.getName());
                    } else {
                        response.sendError(HttpServletResponse.SC_FORBIDDEN);
                    }
                }));
        return http.build();
    }

    /**
     * The client is the request's remote address: behind a reverse proxy Tomcat's RemoteIpValve has already put the
     * client's from X-Forwarded-For there, if the proxy is a trusted one (server.forward-headers-strategy=native); a
     * client's own X-Forwarded-For is not believed, so it cannot make itself a fresh client at every attempt.
     */
    private static SignInSource signInSource(HttpServletRequest request) {
        return SignInSource.of(request.getParameter("username"), request.getRemoteAddr());
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyService keys, RateLimits rateLimits, TocsinConfig config)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(SecurityConfiguration::pageHeaders)
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, rateLimits, config), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/v2/**", "/api/v1/integrations/**", "/api/v1/heartbeat/**").permitAll()
                        .requestMatchers("/health", "/api/health/deep", "/actuator/health", "/actuator/prometheus",
                                "/error").permitAll()
                        .requestMatchers("/api/v1/api-keys/**", "/api/v1/backup").hasAuthority(Scope.ADMIN.authority())
                        // A monitor makes Tocsin fetch a URL of its choosing from inside the network and reports what
                        // it found (a condition's reason quotes the value it saw): defining one is the administrator's,
                        // as the configuration file is. Checking a defined monitor now stays a responder's (write).
                        .requestMatchers(HttpMethod.PUT, "/api/v1/monitors/**").hasAuthority(Scope.ADMIN.authority())
                        .requestMatchers(HttpMethod.DELETE, "/api/v1/monitors/**").hasAuthority(Scope.ADMIN.authority())
                        .requestMatchers(HttpMethod.GET, CALENDAR_FEEDS).hasAuthority(Scope.CALENDAR.authority())
                        .requestMatchers(HttpMethod.GET, "/api/**").hasAuthority(Scope.READ.authority())
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasAuthority(Scope.READ.authority())
                        .requestMatchers("/api/**").hasAuthority(Scope.WRITE.authority())
                        .requestMatchers("/actuator/**").hasAuthority(Scope.ADMIN.authority())
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

    /**
     * A path Spring Security's firewall refuses (a {@code ;}, {@code //}, {@code ..}, an encoded percent sign) is a 400
     * in the API's problem format, with the firewall's reason. Its default answered with Spring Boot's error JSON.
     */
    @Bean
    RequestRejectedHandler requestRejected() {
        return (request, response, rejected) -> ProblemResponses.write(response, 400, "Invalid request",
                SqlText.abbreviate(String.valueOf(rejected.getMessage()), 300));
    }

    /**
     * An acknowledge link carries its token in the path: no other site may learn it from a Referer header, whatever
     * the page links to.
     */
    private static void pageHeaders(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN));
    }

    /** The users of the configuration that have a password hash; nobody else can sign in (no default password). */
    @Bean
    UserDetailsService users(TocsinConfig config) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (TocsinConfig.User u : config.users()) {
            if (u.canSignIn()) {
                String hash = u.passwordHash().startsWith("{") ? u.passwordHash() : "{bcrypt}" + u.passwordHash();
                users.createUser(User.withUsername(u.id()).password(hash)
                        .roles(u.role() == TocsinConfig.UserRole.OBSERVER ? OBSERVER : RESPONDER).build());
            }
        }
        return users;
    }

    private static String requiredScope(String method, String uri) {
        if (uri.startsWith("/api/v1/api-keys") || uri.startsWith("/api/v1/backup") || uri.startsWith("/actuator")) {
            return "admin";
        }
        if (uri.startsWith("/api/v1/monitors/") && (method.equals("PUT") || method.equals("DELETE"))) {
            return "admin";
        }
        return method.equals("GET") || method.equals("HEAD") ? "read" : "write";
    }
}
