package dev.tocsin.monitor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One check of one monitor: how it came out, how long the target took, and why, in words. */
record CheckResult(String monitorId, Instant at, Level level, long latencyMs, Integer status, String reason) {

    /** As the API shows a check, and as the last checks are written back with a monitor's state. */
    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", monitorId);
        out.put("at", at.toString());
        out.put("level", level.wire());
        out.put("latency_ms", latencyMs);
        out.put("http_status", status);
        out.put("reason", reason);
        return out;
    }
}
