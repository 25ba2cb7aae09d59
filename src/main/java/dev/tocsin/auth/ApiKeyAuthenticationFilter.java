package dev.tocsin.auth;

import java.io.IOException;
import java.util.Optional;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <key>} (also PagerDuty's {@code Token token=<key>} and
 * {@code X-API-Key}), then applies the key's rate limit. A key that is present but unknown is a 401 here;
 * a missing key is left to the security chain, which answers 401 only where a key is required.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private final ApiKeyService keys;
    private final RateLimits rateLimits;
    private final int perSecond;

    ApiKeyAuthenticationFilter(ApiKeyService keys, RateLimits rateLimits, TocsinConfig config) {
        this.keys = keys;
        this.rateLimits = rateLimits;
        this.perSecond = config.limits().apiRequestsPerSecond();
    }

    /**
     * Only the API and the actuator take our keys. Intake is authenticated by its integration key, and health, the
     * metrics, the status page, acknowledge links and static files are public: a sender's own Authorization header
     * (Alertmanager's http_config, a Prometheus scrape's basic_auth, a reverse proxy's basic authentication in front
     * of the whole site) must not be judged as one of our API keys and answered 401.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean takesKeys = path.startsWith("/api/") || path.startsWith("/actuator/");
        return !takesKeys || path.startsWith("/api/v1/integrations/") || path.startsWith("/api/v1/heartbeat/")
                || path.equals("/api/health/deep") || path.equals("/actuator/prometheus") || path.equals("/actuator/health");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String secret = secret(request);
        boolean inUrl = false;
        if (secret == null) {
            secret = calendarKey(request);
            inUrl = secret != null;
        }
        if (secret == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiKeyPrincipal> principal = keys.authenticate(secret);
        if (principal.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            ProblemResponses.write(response, 401, "Unauthorized", "The API key is not valid (unknown or revoked).");
            return;
        }
        ApiKeyPrincipal p = principal.get();
        if (inUrl && p.scope() != Scope.CALENDAR) {
            // A URL is kept in calendar settings, browser histories and proxy logs: a key that can read more than
            // the feeds must not travel in one, and is refused there even though it is valid.
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            ProblemResponses.write(response, 401, "Unauthorized", "A calendar feed's ?key= takes a key of scope "
                    + "'calendar' only (POST /api/v1/api-keys with \"scope\":\"calendar\"); key '" + p.keyName()
                    + "' can do more and must not be put in a URL.");
            return;
        }
        if (!rateLimits.tryAcquire("api-key:" + p.keyName(), perSecond)) {
            response.setHeader("Retry-After", Long.toString(RateLimits.retryAfterSeconds()));
            ProblemResponses.write(response, 429, "Too Many Requests",
                    "API key '" + p.keyName() + "' is limited to " + perSecond + " requests per second.");
            return;
        }
        var auth = new UsernamePasswordAuthenticationToken(p, null,
                p.scope().authorities().stream().map(SimpleGrantedAuthority::new).toList());
        SecurityContextHolder.getContext().setAuthentication(auth);
        chain.doFilter(request, response);
    }

    private static String secret(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return header.substring(7).trim();
            }
            if (header.regionMatches(true, 0, "Token token=", 0, 12)) {
                return header.substring(12).trim();
            }
            return header.trim();
        }
        String apiKeyHeader = request.getHeader("X-API-Key");
        if (apiKeyHeader != null) {
            return apiKeyHeader;
        }
        return null;
    }

    /** Calendar apps subscribe to a URL and cannot send headers: calendar feeds alone take a key as ?key=. */
    private static String calendarKey(HttpServletRequest request) {
        if ("GET".equals(request.getMethod()) && request.getRequestURI().endsWith(".ics")) {
            return request.getParameter("key");
        }
        return null;
    }
}
