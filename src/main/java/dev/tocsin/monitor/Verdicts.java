package dev.tocsin.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.tocsin.config.Durations;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns what a probe saw into a level and a reason, by the monitor's expectations: status, body text, response
 * time thresholds, JSON conditions (with their "for" durations), certificate expiry, protocol answers. The worst
 * finding decides the level; the reason lists every finding at that level.
 */
final class Verdicts {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Verdicts() {
    }

    /**
     * {@code conditionSince[i]}: since when condition i has held (null while it does not); updated here, kept by
     * the caller between checks of the same monitor.
     */
    static CheckResult judge(Monitor m, Probes.Probe p, Instant[] conditionSince, Instant now) {
        if (!p.reached()) {
            Arrays.fill(conditionSince, null);
            return new CheckResult(m.id(), now, Level.CRITICAL, p.latencyMs(), null, p.error());
        }
        Findings f = new Findings();
        switch (m.type()) {
            case HTTP -> http(m, p, conditionSince, now, f);
            case TLS -> tls(m, p, now, f);
            case REDIS, POSTGRES, TCP -> {
                if (p.error() != null) {
                    f.add(Level.CRITICAL, p.error());
                }
            }
        }
        Level level = f.level();
        String reason = level == Level.UP ? okReason(m, p) : String.join("; ", f.at(level));
        return new CheckResult(m.id(), now, level, p.latencyMs(), p.status(), reason);
    }

    private static void http(Monitor m, Probes.Probe p, Instant[] since, Instant now, Findings f) {
        Monitor.Http h = m.http();
        int status = p.status();
        boolean statusOk = h.expectStatus().isEmpty() ? status >= 200 && status < 400 : h.expectStatus().contains(status);
        if (!statusOk) {
            f.add(Level.CRITICAL, answered(p) + ", expected " + (h.expectStatus().isEmpty() ? "2xx or 3xx"
                    : h.expectStatus().toString()));
        }
        if (h.criticalAbove() != null && p.latencyMs() > h.criticalAbove().toMillis()) {
            f.add(Level.CRITICAL, "response time " + p.latencyMs() + " ms > " + h.criticalAbove().toMillis() + " ms");
        } else if (h.warnAbove() != null && p.latencyMs() > h.warnAbove().toMillis()) {
            f.add(Level.WARNING, "response time " + p.latencyMs() + " ms > " + h.warnAbove().toMillis() + " ms");
        }
        if (p.certificate() != null) {
            // Without thresholds only an expired certificate counts: the JDK lets one given as ca_pem through.
            certificate(p.certificate(), h.certificateDays(), now, f);
        }
        String body = p.body() == null ? "" : p.body();
        if (h.bodyContains() != null && !body.contains(h.bodyContains())) {
            f.add(Level.CRITICAL, "body does not contain '" + h.bodyContains() + "'");
        }
        if (h.bodyNotContains() != null && body.contains(h.bodyNotContains())) {
            f.add(Level.CRITICAL, "body contains '" + h.bodyNotContains() + "'");
        }
        if (m.conditions().isEmpty()) {
            return;
        }
        if (body.isBlank()) {
            // The JSON parser reads nothing as a missing document, which every condition would then quote as "missing".
            Arrays.fill(since, null);
            f.add(Level.CRITICAL, "the body is empty, so the conditions cannot be checked");
            return;
        }
        JsonNode document;
        try {
            document = JSON.readTree(body);
        } catch (JacksonException e) {
            Arrays.fill(since, null);
            f.add(Level.CRITICAL, "the body is not JSON, so the conditions cannot be checked");
            return;
        }
        List<Monitor.Condition> conditions = m.conditions();
        for (int i = 0; i < conditions.size(); i++) {
            Monitor.Condition c = conditions.get(i);
            boolean holds = c.expression().test(document, now);
            if (c.expect()) {
                if (!holds) {
                    f.add(Level.CRITICAL, "expected " + c.expression() + describe(c.expression(), document, now));
                }
                continue;
            }
            if (!holds) {
                since[i] = null;
                continue;
            }
            if (since[i] == null) {
                since[i] = now;
            }
            Duration held = Duration.between(since[i], now);
            if (held.compareTo(c.holdFor()) >= 0) {
                f.add(c.level(), c.expression() + describe(c.expression(), document, now)
                        + (c.holdFor().isZero() ? "" : " for " + Durations.format(held.withNanos(0))));
            }
        }
    }

    /** "(it is 91.5)" when the condition is one comparison, so the reason shows the value it saw. */
    private static String describe(Expression e, JsonNode document, Instant now) {
        return e.comparedValue(document, now)
                .map(v -> " (it is " + (v instanceof Duration d ? Durations.format(d.withNanos(0)) : v) + ")")
                .orElse("");
    }

    /**
     * Days to a certificate's expiry against {@code days} (null: only an expired one counts), for the https and the
     * tls check alike, so one certificate reads the same in both alerts.
     */
    private static void certificate(CertificatePath.Expiry expiry, Monitor.CertificateDays days, Instant now,
                                    Findings f) {
        Instant expires = expiry.notAfter();
        if (!expires.isAfter(now)) {
            f.add(Level.CRITICAL, expiry.certificate() + " expired on " + expires);
            return;
        }
        if (days == null) {
            return;
        }
        long left = Duration.between(now, expires).toDays();
        String expiresIn = expiry.certificate() + " expires in " + left + " days (" + expires + ")";
        if (left < days.critical()) {
            f.add(Level.CRITICAL, expiresIn);
        } else if (left < days.warn()) {
            f.add(Level.WARNING, expiresIn);
        }
    }

    private static void tls(Monitor m, Probes.Probe p, Instant now, Findings f) {
        certificate(p.certificate(), m.endpoint().certificateDays(), now, f);
    }

    private static String okReason(Monitor m, Probes.Probe p) {
        return switch (m.type()) {
            case HTTP -> answered(p) + " in " + p.latencyMs() + " ms";
            case TLS -> p.certificate().authority() == null ? "certificate valid until " + p.certificate().notAfter()
                    : "certificates valid until " + p.certificate().notAfter() + ", when " + p.certificate().certificate()
                    + " expires";
            case REDIS -> "PONG in " + p.latencyMs() + " ms";
            case POSTGRES -> "SELECT 1 in " + p.latencyMs() + " ms";
            case TCP -> "connected in " + p.latencyMs() + " ms";
        };
    }

    /**
     * "HTTP 302 (a redirect to /login, not followed)": redirects are not followed, so the reason says where one
     * pointed; a login page answering for an expired session is then plain to see.
     */
    private static String answered(Probes.Probe p) {
        String status = "HTTP " + p.status();
        if (p.redirectTo() == null) {
            return status;
        }
        String to = p.redirectTo().length() > 200 ? p.redirectTo().substring(0, 200) + "…" : p.redirectTo();
        return status + " (a redirect to " + to + ", not followed)";
    }

    private static final class Findings {
        private final List<Level> levels = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();

        void add(Level level, String reason) {
            levels.add(level);
            reasons.add(reason);
        }

        Level level() {
            Level worst = Level.UP;
            for (Level l : levels) {
                worst = worst.worst(l);
            }
            return worst;
        }

        List<String> at(Level level) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < levels.size(); i++) {
                if (levels.get(i) == level) {
                    out.add(reasons.get(i));
                }
            }
            return out;
        }
    }
}
