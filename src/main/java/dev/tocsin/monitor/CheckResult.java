package dev.tocsin.monitor;

import java.time.Instant;

/** One check of one monitor: how it came out, how long the target took, and why, in words. */
record CheckResult(String monitorId, Instant at, Level level, long latencyMs, Integer status, String reason) {
}
