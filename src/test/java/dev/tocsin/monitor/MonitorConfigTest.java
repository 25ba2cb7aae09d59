package dev.tocsin.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Monitors and maintenance windows in the file: a bad one refuses start-up naming the field and the column. */
class MonitorConfigTest {

    @TempDir
    Path dir;

    private TocsinConfig load(String yaml) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """ + yaml);
        return new ConfigLoader(Map.of("HEALTH_TOKEN", "secret-token")::get).load(file.toString());
    }

    /** An unset variable in a monitor's address leaves it unconfigured, named, as an unset header does. */
    @Test
    void aMonitorWhoseAddressVariableIsUnsetIsUnconfiguredNotAnError() throws IOException {
        TocsinConfig config = load("""
                monitors:
                  - {id: docs, service: web, type: http, url: "${DOCS_URL}", body_contains: "${DOCS_TEXT:-Welcome}"}
                  - {id: cache, service: web, type: redis, host: "${REDIS_HOST}"}
                  - {id: db, service: web, type: postgres, host: db.internal, database: "${PG_DATABASE}"}
                """);
        Monitors monitors = new Monitors(config, null, null);
        assertThat(monitors.find("docs").orElseThrow().runnable()).isFalse();
        assertThat(monitors.find("docs").orElseThrow().missingVariables()).containsExactly("DOCS_URL");
        assertThat(monitors.find("docs").orElseThrow().http().bodyContains()).as("resolved too").isEqualTo("Welcome");
        assertThat(monitors.find("cache").orElseThrow().missingVariables()).containsExactly("REDIS_HOST");
        assertThat(monitors.find("db").orElseThrow().missingVariables()).containsExactly("PG_DATABASE");
    }

    @Test
    void seed000sDeepHealthAsAMonitorLoads() throws IOException {
        TocsinConfig config = load("""
                monitors:
                  - id: api-deep-health
                    service: web
                    type: http
                    url: https://api.example.com/api/health/deep
                    headers: {Authorization: "Bearer ${HEALTH_TOKEN}"}
                    interval: 30s
                    retries: 2
                    conditions:
                      - expect: '$.status == "healthy"'
                      - {when: 'len($.open_circuits) >= 2', level: critical}
                      - {when: '$.memory.percent > 70', level: warning}
                      - {when: '$.memory.percent > 85', level: critical, for: 5m}
                  - {id: cert, service: web, type: tls, host: api.example.com, warn_days: 21}
                """);
        Monitors monitors = new Monitors(config, null, null);
        Monitor deep = monitors.find("api-deep-health").orElseThrow();
        assertThat(deep.http().headers()).containsEntry("Authorization", "Bearer secret-token");
        assertThat(deep.conditions()).hasSize(4);
        assertThat(deep.conditions().get(3).holdFor()).hasMinutes(5);
        assertThat(deep.timeout()).hasSeconds(10);
        Monitor cert = monitors.find("cert").orElseThrow();
        assertThat(cert.endpoint().port()).isEqualTo(443);
        assertThat(cert.endpoint().warnDays()).isEqualTo(21);
        assertThat(cert.endpoint().criticalDays()).isEqualTo(3);
    }

    @Test
    void aBadMonitorRefusesStartUpNamingEveryField() throws IOException {
        TocsinConfig config = load("""
                monitors:
                  - id: a
                    service: nope
                    type: http
                    url: https://x.test/health
                    interval: 10s
                    timeout: 30s
                    conditions:
                      - {when: 'len($.open_circuits >= 2', level: critical}
                      - {expect: 'size($.x) > 1'}
                      - {when: '$.x > 1', level: loud, for: soon}
                  - {id: a, service: web, type: tcp, host: db.test}
                  - {id: b, service: web, type: pigeon}
                  - {id: c, service: web, type: tls, host: x.test, warn_days: 3, critical_days: 7, url: "https://x"}
                """);
        assertThatThrownBy(() -> new Monitors(config, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).contains(
                        "monitors[0].service: unknown service 'nope', expected one of [web]",
                        "monitors[0].timeout: at most the interval (10s)",
                        "monitors[0].conditions[0].when: at column 25: expected ')' at the end",
                        "monitors[0].conditions[1].expect: at column 1: unknown name 'size': expected a path ($.field), a literal, or len(), age(), exists()",
                        "monitors[0].conditions[2].level: expected warning or critical, got 'loud'",
                        "monitors[0].conditions[2].for: expected a duration such as 30s, 15m, 1h or 2d, got 'soon'",
                        "monitors[1].port: required for a tcp monitor",
                        "monitors[2].type: expected one of http, tcp, postgres, redis, tls, got 'pigeon'",
                        "monitors[3].critical_days: must be below warn_days (3)",
                        "monitors[3].url: does not apply to a tls monitor"));
    }

    /**
     * The certificate days of an https check: refused on an http:// URL (no certificate) and on other types, out of
     * range or out of order, each naming its field. Off unless given; the one not given takes the default.
     */
    @Test
    void certificateDaysAreRefusedWhereTheyCannotApplyNamingTheField() throws IOException {
        TocsinConfig bad = load("""
                monitors:
                  - {id: a, service: web, type: http, url: "http://x.test/health", certificate_warn_days: 14}
                  - {id: b, service: web, type: tcp, host: x.test, port: 5432, certificate_critical_days: 3}
                  - {id: c, service: web, type: http, url: "https://x.test/health", certificate_warn_days: -1}
                  - {id: d, service: web, type: http, url: "https://x.test/health", certificate_warn_days: 5, certificate_critical_days: 10}
                  - {id: e, service: web, type: tls, host: x.test, certificate_warn_days: 14}
                  - {id: f, service: web, type: http, url: "https://x.test/health", certificate_critical_days: 20}
                  - {id: g, service: web, type: http, url: "https://x.test/health", certificate_warn_days: 2}
                  - {id: h, service: web, type: tls, host: x.test, warn_days: 2}
                """);
        assertThatThrownBy(() -> new Monitors(bad, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "monitors[0].certificate_warn_days: applies to an https URL only: an http:// URL has no certificate",
                        "monitors[1].certificate_critical_days: does not apply to a tcp monitor",
                        "monitors[2].certificate_warn_days: expected 0 to 365, got -1",
                        "monitors[3].certificate_critical_days: must be below certificate_warn_days (5)",
                        "monitors[4].certificate_warn_days: does not apply to a tls monitor",
                        "monitors[5].certificate_critical_days: must be below certificate_warn_days (14 when not given)",
                        "monitors[6].certificate_warn_days: must be above certificate_critical_days (3 when not given)",
                        "monitors[7].warn_days: must be above critical_days (3 when not given)"));

        Monitors good = new Monitors(load("""
                monitors:
                  - {id: unasked, service: web, type: http, url: "https://x.test/health"}
                  - {id: critical-only, service: web, type: http, url: "https://x.test/health", certificate_critical_days: 5}
                  - {id: both, service: web, type: http, url: "https://x.test/health", certificate_warn_days: 30, certificate_critical_days: 0}
                """), null, null);
        assertThat(good.find("unasked").orElseThrow().http().certificateDays()).isNull();
        assertThat(good.find("critical-only").orElseThrow().http().certificateDays())
                .isEqualTo(new Monitor.CertificateDays(14, 5));
        assertThat(good.find("both").orElseThrow().http().certificateDays()).isEqualTo(new Monitor.CertificateDays(30, 0));
    }

    /** 'for' on an 'expect' would be ignored (the check fails at once), so it is refused rather than accepted. */
    @Test
    void forOnAnExpectConditionIsRefusedNamingTheField() throws IOException {
        TocsinConfig config = load("""
                monitors:
                  - id: a
                    service: web
                    type: http
                    url: https://x.test/health
                    conditions:
                      - {expect: '$.status == "healthy"', for: 5m}
                """);
        assertThatThrownBy(() -> new Monitors(config, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "monitors[0].conditions[0].for: an 'expect' condition fails the check at once; 'for' goes with 'when'"));
    }

    @Test
    void aBadMaintenanceWindowRefusesStartUp() throws IOException {
        TocsinConfig config = load("""
                maintenance_windows:
                  - {service: web, start: "2026-03-10T22:00:00Z", end: "2026-03-10T21:00:00Z"}
                  - {service: nope, start: "2026-03-10T22:00:00Z", end: "2026-03-10T23:00:00Z"}
                  - {service: web, start: "tonight", end: "2026-03-10T23:00:00Z"}
                """);
        assertThatThrownBy(() -> new Maintenance(config, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "maintenance_windows[0].end: must be after start",
                        "maintenance_windows[1].service: unknown service 'nope'",
                        "maintenance_windows[2].start: expected an instant such as 2026-03-10T22:00:00Z, got 'tonight'"));
    }
}
