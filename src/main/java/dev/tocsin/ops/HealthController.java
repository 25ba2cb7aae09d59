package dev.tocsin.ops;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.tocsin.config.TocsinConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Our own health in the shape seed 000's runbook already curls: {@code /health} for load balancers and
 * {@code /api/health/deep} with circuit breakers, degraded integrations, memory and the database.
 */
@RestController
class HealthController {

    private final JdbcClient jdbc;
    private final CircuitBreakerRegistry breakers;
    private final TocsinConfig config;
    private final String databaseProduct;
    private final DatabaseInfo databaseInfo;

    HealthController(JdbcClient jdbc, CircuitBreakerRegistry breakers, TocsinConfig config, DatabaseInfo database) {
        this.jdbc = jdbc;
        this.breakers = breakers;
        this.config = config;
        this.databaseProduct = database.product();
        this.databaseInfo = database;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        boolean up = databaseLatencyMillis() >= 0;
        return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(Map.of("status", up ? "healthy" : "unhealthy"));
    }

    @GetMapping("/api/health/deep")
    ResponseEntity<Map<String, Object>> deep() {
        long dbMillis = databaseLatencyMillis();
        boolean dbUp = dbMillis >= 0;

        Map<String, Object> circuits = new TreeMap<>();
        List<String> open = new ArrayList<>();
        for (CircuitBreaker cb : breakers.getAllCircuitBreakers()) {
            CircuitBreaker.State state = cb.getState();
            circuits.put(cb.getName(), Map.of("state", state.name().toLowerCase(Locale.ROOT),
                    "failure_count", cb.getMetrics().getNumberOfFailedCalls()));
            if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
                open.add(cb.getName());
            }
        }
        List<String> degraded = new ArrayList<>(open);
        Map<String, Object> integrations = new TreeMap<>();
        for (TocsinConfig.Integration i : config.integrations()) {
            integrations.put(i.name(), i.degraded()
                    ? Map.of("status", "degraded", "missing_environment", i.missingVariables())
                    : Map.of("status", "configured"));
            if (i.degraded() && !degraded.contains(i.name())) {
                degraded.add(i.name());
            }
        }
        for (TocsinConfig.Channel c : config.notifications().channels()) {
            String name = "channel:" + c.id();
            integrations.put(name, c.degraded()
                    ? Map.of("status", "degraded", "missing_environment", c.missingVariables())
                    : Map.of("status", "configured"));
            if (c.degraded()) {
                degraded.add(name);
            }
        }
        TocsinConfig.Smtp smtp = config.notifications().smtp();
        if (smtp != null) {
            integrations.put("smtp", smtp.degraded()
                    ? Map.of("status", "degraded", "missing_environment", smtp.missingVariables())
                    : Map.of("status", "configured"));
            if (smtp.degraded()) {
                degraded.add("smtp");
            }
        }
        if (!dbUp) {
            degraded.add("database");
        }
        boolean healthy = degraded.isEmpty();

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("percent", Math.round(1000.0 * heap.getUsed() / max) / 10.0);
        memory.put("used_mb", heap.getUsed() / (1024 * 1024));
        memory.put("max_mb", max / (1024 * 1024));

        Map<String, Object> database = new LinkedHashMap<>();
        database.put("status", dbUp ? "up" : "down");
        database.put("product", databaseProduct);
        if (dbUp) {
            database.put("latency_ms", dbMillis);
        }
        long fileBytes = databaseInfo.embeddedFileBytes();
        if (fileBytes >= 0) {
            database.put("file_mb", Math.round(10.0 * fileBytes / (1024 * 1024)) / 10.0);
        }

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? "healthy" : "degraded");
        body.put("production_ready", healthy);
        body.put("open_circuits", open);
        body.put("circuit_breakers", circuits);
        body.put("degraded_services", degraded);
        body.put("integrations", integrations);
        body.put("memory", memory);
        body.put("database", database);
        return ResponseEntity.status(dbUp ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    /** Milliseconds for SELECT 1, or -1 when the database does not answer. */
    private long databaseLatencyMillis() {
        long start = System.nanoTime();
        try {
            jdbc.sql("SELECT 1").query(Integer.class).single();
            return (System.nanoTime() - start) / 1_000_000;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
