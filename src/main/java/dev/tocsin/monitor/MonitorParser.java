package dev.tocsin.monitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.Durations;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;

/**
 * Validates a {@link MonitorSpec} (from the file or the API) into a {@link Monitor}, naming every bad field:
 * {@code conditions[1].when: at column 12: expected ')'}.
 */
final class MonitorParser {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofDays(30);
    private static final int DEFAULT_WARN_DAYS = 14;
    private static final int DEFAULT_CRITICAL_DAYS = 3;
    private static final Map<String, Monitor.Trust> TRUST_BY_PEM = new ConcurrentHashMap<>();

    private final TocsinConfig config;

    MonitorParser(TocsinConfig config) {
        this.config = config;
    }

    /**
     * The monitors of the configuration file, by id in the file's order.
     *
     * @throws ConfigException naming each invalid field ({@code monitors[2].conditions[0].when: …}) and duplicate id
     */
    Map<String, Monitor> declared() {
        Map<String, Monitor> declared = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<MonitorSpec> specs = config.monitors();
        for (int i = 0; i < specs.size(); i++) {
            String path = "monitors[" + i + "]";
            MonitorSpec spec = specs.get(i);
            try {
                Monitor m = FieldErrors.within(path, () -> parse(spec, true));
                if (declared.putIfAbsent(m.id(), m) != null) {
                    problems.add(path + ".id: duplicate monitor '" + m.id() + "'");
                }
            } catch (InvalidInputException e) {
                e.errors().forEach(f -> problems.add(f.field() + ": " + f.message()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.source(), problems);
        }
        return declared;
    }

    Monitor parse(MonitorSpec s, boolean declaredInConfig) {
        FieldErrors errors = new FieldErrors();
        if (s == null) {
            errors.add("monitor", "required: a monitor with id, service and type");
            errors.throwIfAny();
        }
        if (s.id() == null || !ID.matcher(s.id()).matches()) {
            errors.add("id", "expected lower-case letters, digits, '.', '_' or '-' (at most 100), got " + quoted(s.id()));
        }
        if (s.service() == null || config.service(s.service()).isEmpty()) {
            errors.add("service", (s.service() == null ? "required" : "unknown service " + quoted(s.service()))
                    + ", expected one of " + config.services().stream().map(TocsinConfig.Service::id).toList());
        }
        Monitor.Type type = null;
        for (Monitor.Type t : Monitor.Type.values()) {
            if (t.wire().equals(s.type())) {
                type = t;
            }
        }
        if (type == null) {
            errors.add("type", "expected one of http, tcp, postgres, redis, tls, got " + quoted(s.type()));
        }
        Duration interval = duration(errors, "interval", s.interval(), DEFAULT_INTERVAL);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            errors.add("interval", "at least 1s");
        } else if (interval.compareTo(MAX_INTERVAL) > 0) {
            errors.add("interval", "at most 30d");
            interval = MAX_INTERVAL;
        }
        Duration timeout = positiveDuration(errors, "timeout", s.timeout(),
                DEFAULT_TIMEOUT.compareTo(interval) < 0 ? DEFAULT_TIMEOUT : interval);
        if (timeout.compareTo(interval) > 0) {
            errors.add("timeout", "at most the interval (" + Durations.format(interval) + ")");
        }
        int retries = bounded(errors, "retries", s.retries(), 0, 0, 10);
        int recoverAfter = bounded(errors, "recover_after", s.recoverAfter(), 1, 1, 10);
        String severity = s.severity() == null ? "critical" : s.severity();
        if (!SeverityScale.EVENT_SEVERITIES.contains(severity)) {
            errors.add("severity", "expected one of " + SeverityScale.EVENT_SEVERITIES + " (the alert's event severity), got "
                    + quoted(severity));
        }
        Monitor.Http http = null;
        Monitor.Endpoint endpoint = null;
        List<Monitor.Condition> conditions = List.of();
        if (type == Monitor.Type.HTTP) {
            http = http(errors, s);
            conditions = conditions(errors, s.conditions());
            notFor(errors, s.host() != null, "host", type);
            notFor(errors, s.port() != null, "port", type);
        } else if (type != null) {
            endpoint = endpoint(errors, s, type);
            notFor(errors, s.url() != null, "url", type);
            notFor(errors, s.conditions() != null, "conditions", type);
            notFor(errors, s.expectStatus() != null, "expect_status", type);
            notFor(errors, s.bodyContains() != null || s.bodyNotContains() != null, "body_contains", type);
            notFor(errors, s.certificateWarnDays() != null, "certificate_warn_days", type);
            notFor(errors, s.certificateCriticalDays() != null, "certificate_critical_days", type);
        }
        Monitor.Trust trust = null;
        if (s.caPem() != null) {
            if (type == Monitor.Type.HTTP || type == Monitor.Type.TLS) {
                trust = trust(errors, s.caPem());
            } else {
                notFor(errors, true, "ca_pem", type);
            }
        }
        errors.throwIfAny();
        return new Monitor(s.id(), s.service(), type, interval, timeout, retries, severity, recoverAfter, http, endpoint,
                conditions, trust, declaredInConfig, s.missingVariables() == null ? List.of() : s.missingVariables(), s);
    }

    /**
     * Trust exactly the certificates in {@code pem} (a private CA, or a self-signed server). Monitors with the same
     * text share one context, so the prober keeps one HTTP client per CA, not per monitor.
     */
    private static Monitor.Trust trust(FieldErrors errors, String pem) {
        Monitor.Trust known = TRUST_BY_PEM.get(pem);
        if (known != null) {
            return known;
        }
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.isEmpty()) {
                errors.add("ca_pem", "no certificate found: expected one or more -----BEGIN CERTIFICATE----- blocks");
                return null;
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            List<X509Certificate> authorities = new ArrayList<>();
            for (Certificate c : certificates) {
                anchors.setCertificateEntry("ca-" + n++, c);
                if (c instanceof X509Certificate x) {
                    authorities.add(x);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            Monitor.Trust trust = new Monitor.Trust(context, List.copyOf(authorities));
            Monitor.Trust raced = TRUST_BY_PEM.putIfAbsent(pem, trust);
            return raced != null ? raced : trust;
        } catch (CertificateException e) {
            errors.add("ca_pem", "not a PEM certificate: " + e.getMessage());
            return null;
        } catch (GeneralSecurityException | IOException e) {
            errors.add("ca_pem", "could not be used as trusted certificates: " + e.getMessage());
            return null;
        }
    }

    private Monitor.Http http(FieldErrors errors, MonitorSpec s) {
        URI url = null;
        // A URL whose ${VARIABLE} is unset leaves the monitor unconfigured (listed with the missing names, not run),
        // as any other field's does; only a URL that is not there at all is a mistake in the file.
        boolean unresolved = s.missingVariables() != null && !s.missingVariables().isEmpty();
        if (s.url() == null || (s.url().isBlank() && !unresolved)) {
            errors.add("url", "required: the http or https URL to check");
        } else if (!unresolved) {
            try {
                url = URI.create(s.url());
                if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                    errors.add("url", "expected an http or https URL");
                }
            } catch (IllegalArgumentException e) {
                errors.add("url", "not a valid URL");
            }
        }
        String method = s.method() == null ? "GET" : s.method().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            errors.add("method", "expected one of " + METHODS.stream().sorted().toList());
        }
        List<Integer> expect = s.expectStatus() == null ? List.of() : s.expectStatus();
        for (int i = 0; i < expect.size(); i++) {
            if (expect.get(i) == null || expect.get(i) < 100 || expect.get(i) > 599) {
                errors.add("expect_status[" + i + "]", "expected an HTTP status from 100 to 599");
            }
        }
        Duration warn = null;
        Duration critical = null;
        if (s.responseTime() != null) {
            warn = positiveDuration(errors, "response_time.warning", s.responseTime().warning(), null);
            critical = positiveDuration(errors, "response_time.critical", s.responseTime().critical(), null);
            if (warn != null && critical != null && warn.compareTo(critical) >= 0) {
                errors.add("response_time.warning", "must be below response_time.critical");
            }
        }
        Map<String, String> headers = headers(errors, s.headers());
        return new Monitor.Http(url == null ? URI.create("http://invalid") : url, method, headers, s.body(),
                List.copyOf(expect), warn, critical, s.bodyContains(), s.bodyNotContains(),
                certificateDays(errors, s, url));
    }

    /**
     * Critical days not below warning days: names the field the caller wrote, never one left to its default (a lone
     * {@code warn_days: 2} is refused as {@code warn_days}, which the default critical 3 is not below).
     */
    private static void outOfOrder(FieldErrors errors, String warnField, Integer givenWarn, int warn,
                                   String criticalField, Integer givenCritical, int critical) {
        if (givenCritical == null) {
            errors.add(warnField, "must be above " + criticalField + " (" + critical + " when not given)");
        } else if (givenWarn == null) {
            errors.add(criticalField, "must be below " + warnField + " (" + warn + " when not given)");
        } else {
            errors.add(criticalField, "must be below " + warnField + " (" + warn + ")");
        }
    }

    /**
     * The expiry thresholds of an https URL's certificates: off unless one of the two is given (as Uptime Kuma's
     * "certificate expiry notification" is), so an existing https monitor does not start warning on an upgrade; the
     * one not given takes the tls monitor's default.
     */
    private static Monitor.CertificateDays certificateDays(FieldErrors errors, MonitorSpec s, URI url) {
        if (s.certificateWarnDays() == null && s.certificateCriticalDays() == null) {
            return null;
        }
        if (url != null && "http".equals(url.getScheme())) {
            String field = s.certificateWarnDays() != null ? "certificate_warn_days" : "certificate_critical_days";
            errors.add(field, "applies to an https URL only: an http:// URL has no certificate");
        }
        int warn = bounded(errors, "certificate_warn_days", s.certificateWarnDays(), DEFAULT_WARN_DAYS, 0, 365);
        int critical = bounded(errors, "certificate_critical_days", s.certificateCriticalDays(), DEFAULT_CRITICAL_DAYS,
                0, 365);
        if (warn >= 0 && critical >= 0 && critical >= warn) {
            outOfOrder(errors, "certificate_warn_days", s.certificateWarnDays(), warn,
                    "certificate_critical_days", s.certificateCriticalDays(), critical);
        }
        return new Monitor.CertificateDays(warn, critical);
    }

    /**
     * Headers the JDK's HTTP client would refuse at every check (a name it sets itself, such as Host, or a line break in
     * a value) are refused here, naming the header: the messages never quote a value, which may be a secret.
     */
    private static Map<String, String> headers(FieldErrors errors, Map<String, String> given) {
        if (given == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            String field = "headers." + name;
            if (value == null) {
                errors.add(field, "required: the header's value");
                return;
            }
            try {
                HttpRequest.newBuilder().header(name, "x");
            } catch (IllegalArgumentException e) {
                errors.add(field, "not a header the HTTP client can send (a restricted name such as Host, Connection "
                        + "or Content-Length, or not a valid name)");
                return;
            }
            try {
                HttpRequest.newBuilder().header("X-Tocsin-Check", value);
            } catch (IllegalArgumentException e) {
                errors.add(field, "the value holds a line break or another character a header cannot carry");
                return;
            }
            headers.put(name, value);
        });
        return Map.copyOf(headers);
    }

    private static Monitor.Endpoint endpoint(FieldErrors errors, MonitorSpec s, Monitor.Type type) {
        boolean unresolved = s.missingVariables() != null && !s.missingVariables().isEmpty();
        if (s.host() == null || (s.host().isBlank() && !unresolved)) {
            errors.add("host", "required: the host name or address to check");
        }
        int defaultPort = switch (type) {
            case REDIS -> 6379;
            case TLS -> 443;
            case POSTGRES -> 5432;
            default -> -1;
        };
        int port = defaultPort;
        if (s.port() == null || s.port().isBlank()) {
            if (defaultPort < 0 && !unresolved) {
                errors.add("port", "required for a tcp monitor");
            }
        } else {
            try {
                port = Integer.parseInt(s.port().strip());
                if (port < 1 || port > 65535) {
                    errors.add("port", "expected 1 to 65535, got " + port);
                }
            } catch (NumberFormatException e) {
                errors.add("port", "expected a port number, got '" + s.port() + "'");
            }
        }
        if (type == Monitor.Type.POSTGRES && (s.database() == null || (s.database().isBlank() && !unresolved))) {
            errors.add("database", "required: the database to connect to");
        }
        int warnDays = bounded(errors, "warn_days", s.warnDays(), DEFAULT_WARN_DAYS, 0, 365);
        int criticalDays = bounded(errors, "critical_days", s.criticalDays(), DEFAULT_CRITICAL_DAYS, 0, 365);
        if (type == Monitor.Type.TLS && criticalDays >= warnDays) {
            outOfOrder(errors, "warn_days", s.warnDays(), warnDays, "critical_days", s.criticalDays(), criticalDays);
        }
        return new Monitor.Endpoint(s.host(), port, s.username(), s.password(), s.database(), warnDays, criticalDays);
    }

    private static List<Monitor.Condition> conditions(FieldErrors errors, List<MonitorSpec.ConditionSpec> raw) {
        List<Monitor.Condition> out = new ArrayList<>();
        for (int i = 0; raw != null && i < raw.size(); i++) {
            MonitorSpec.ConditionSpec c = raw.get(i);
            String path = "conditions[" + i + "]";
            if (c == null || (c.expect() == null) == (c.when() == null)) {
                errors.add(path, "expected exactly one of 'expect' (must hold) or 'when' (raises 'level' while it holds)");
                continue;
            }
            String text = c.expect() != null ? c.expect() : c.when();
            String field = path + (c.expect() != null ? ".expect" : ".when");
            Expression expression;
            try {
                expression = Expression.parse(text);
            } catch (Expression.ParseException e) {
                errors.add(field, e.getMessage());
                continue;
            }
            Level level = Level.CRITICAL;
            if (c.level() != null) {
                if (c.expect() != null) {
                    errors.add(path + ".level", "an 'expect' condition fails the check; 'level' goes with 'when'");
                } else if ("warning".equals(c.level())) {
                    level = Level.WARNING;
                } else if (!"critical".equals(c.level())) {
                    errors.add(path + ".level", "expected warning or critical, got " + quoted(c.level()));
                }
            }
            if (c.expect() != null && c.forDuration() != null) {
                // An 'expect' fails the check at once (and 'retries' is what waits); a 'for' here would be ignored.
                errors.add(path + ".for", "an 'expect' condition fails the check at once; 'for' goes with 'when'");
            }
            Duration holdFor = c.expect() != null ? Duration.ZERO
                    : duration(errors, path + ".for", c.forDuration(), Duration.ZERO);
            out.add(new Monitor.Condition(c.expect() != null, expression, level, holdFor));
        }
        return List.copyOf(out);
    }

    private static void notFor(FieldErrors errors, boolean present, String field, Monitor.Type type) {
        if (present) {
            errors.add(field, "does not apply to a " + type.wire() + " monitor");
        }
    }

    private static Duration duration(FieldErrors errors, String field, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = Durations.parse(text);
            if (d.isNegative()) {
                errors.add(field, "expected a positive duration, got '" + text + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            errors.add(field, "expected " + e.getMessage());
            return fallback == null ? Duration.ZERO : fallback;
        }
    }

    /**
     * A duration where zero makes no sense, or {@code fallback} when it is zero. A zero timeout fails every check (Java's
     * HTTP client refuses it; a TCP connect takes it as no timeout at all); a zero response-time threshold is crossed
     * by every response.
     */
    private static Duration positiveDuration(FieldErrors errors, String field, String text, Duration fallback) {
        Duration d = duration(errors, field, text, fallback);
        if (text != null && d.isZero() && isZero(text)) {
            errors.add(field, "expected a positive duration, got '" + text + "'");
            return fallback;
        }
        return d;
    }

    private static boolean isZero(String text) {
        try {
            return Durations.parse(text).isZero();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int bounded(FieldErrors errors, String field, Integer value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > max) {
            errors.add(field, "expected " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    private static String quoted(String s) {
        return s == null ? "(missing)" : "'" + s + "'";
    }
}
