package dev.tocsin.auth;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import org.springframework.stereotype.Component;

/**
 * Named per-second rate limiters (one per API key, one per integration key), from Resilience4j's registry.
 * A caller over its limit is refused at once, never queued: it gets 429 with Retry-After.
 */
@Component
public class RateLimits {

    private final RateLimiterRegistry registry = RateLimiterRegistry.ofDefaults();

    /** True if the caller named {@code name} may make one more request this second. */
    public boolean tryAcquire(String name, int perSecond) {
        RateLimiter limiter = registry.rateLimiter(name, () -> RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
        return limiter.acquirePermission();
    }

    /** Seconds to tell a refused caller to wait: the limiters refresh every second. */
    public static long retryAfterSeconds() {
        return 1;
    }
}
