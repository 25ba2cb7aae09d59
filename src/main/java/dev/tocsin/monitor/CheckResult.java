package dev.tocsin.monitor;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.text.SqlText;

/** One check of one monitor: how it came out, how long the target took, and why, in words. */
record CheckResult(String monitorId, Instant at, Level level, long latencyMs, Integer status, String reason) {

    /**
     * A reason quotes what the target answered ("(it is …)", an error it sent), and a target may answer anything. The
     * reason is stored, and it becomes the summary of the monitor's alert and the title of its incident; PostgreSQL
     * refuses a NUL character in text, so one from a target would fail every check and every alert of the monitor
     * (SqlText).
     */
    CheckResult {
        reason = SqlText.storable(reason);
    }

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
