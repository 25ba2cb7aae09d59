package dev.tocsin.config;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A health monitor as written in the configuration file or sent to the API. Values stay text here, with
 * {@code ${ENV}} references already resolved; the monitoring feature validates them into its own model and reports
 * each bad field with its path. {@code missingVariables} lists references that were not set.
 */
public record MonitorSpec(String id, String service, String type, String interval, String timeout, Integer retries,
                          String severity, Integer recoverAfter,
                          // http
                          String url, String method, Map<String, String> headers, String body, List<Integer> expectStatus,
                          ThresholdSpec responseTime, String bodyContains, String bodyNotContains,
                          List<ConditionSpec> conditions,
                          // http, https URLs only: the certificate expiry check, off while both are unset
                          Integer certificateWarnDays, Integer certificateCriticalDays,
                          // tcp, redis, tls, postgres; port is text so that it can be an ${ENV} reference
                          String host, String port, String username, String password, String database,
                          Integer warnDays, Integer criticalDays,
                          // http (https URLs) and tls: PEM certificates of a private CA to trust instead of the JDK's
                          String caPem,
                          List<String> missingVariables) {

    /** Durations: above {@code warning} the check is a warning, above {@code critical} a failure. */
    public record ThresholdSpec(String warning, String critical) {
    }

    /**
     * One condition on the JSON answer: {@code expect} must hold (else the check fails), or when {@code when} holds
     * the check is at {@code level} (warning or critical), after it has held {@code for} that long.
     */
    public record ConditionSpec(String expect, String when, String level, @JsonProperty("for") String forDuration) {
    }

    /** The same monitor with its {@code ${ENV}} references resolved by {@code resolve}, which records missing ones. */
    MonitorSpec resolved(java.util.function.BiFunction<String, List<String>, String> resolve) {
        List<String> missing = new java.util.ArrayList<>();
        Map<String, String> resolvedHeaders = null;
        if (headers != null) {
            resolvedHeaders = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> h : headers.entrySet()) {
                resolvedHeaders.put(h.getKey(), resolve.apply(h.getValue(), missing));
            }
        }
        return new MonitorSpec(id, service, type, interval, timeout, retries, severity, recoverAfter,
                resolve.apply(url, missing), method, resolvedHeaders, resolve.apply(body, missing), expectStatus,
                responseTime, resolve.apply(bodyContains, missing), resolve.apply(bodyNotContains, missing), conditions,
                certificateWarnDays, certificateCriticalDays,
                resolve.apply(host, missing), resolve.apply(port, missing),
                resolve.apply(username, missing), resolve.apply(password, missing), resolve.apply(database, missing),
                warnDays, criticalDays, resolve.apply(caPem, missing), List.copyOf(missing));
    }

    @Override
    public String toString() {
        return "MonitorSpec[id=" + id + ", type=" + type + "]";
    }
}
