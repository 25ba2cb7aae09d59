package dev.tocsin.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.tocsin.TocsinApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config as code: a valid file loads; an invalid one is refused naming the file, the field path and the expectation. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Map.of("SLACK_URL", "https://hooks.slack.test/x")::get);

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigException refused(String yaml) throws IOException {
        Path file = write(yaml);
        try {
            loader.load(file.toString());
        } catch (ConfigException e) {
            assertThat(e.source()).isEqualTo(file.toString());
            return e;
        }
        throw new AssertionError("the configuration was accepted");
    }

    @Test
    void theExampleConfigurationLoads() {
        TocsinConfig config = new ConfigLoader(name -> null).load("classpath:examples/tocsin.yml");
        assertThat(config.severities().ids()).containsExactly("P0", "P1", "P2", "P3");
        assertThat(config.severities().level("P2").orElseThrow().responseTarget()).isEqualTo(Duration.ofHours(1));
        assertThat(config.severities().forEventSeverity("critical")).isEqualTo("P0");
        assertThat(config.severities().forEventSeverity("info")).isEqualTo("P3");
        assertThat(config.services()).extracting(TocsinConfig.Service::id).contains("checkout-api", "data-sync");
        assertThat(config.severities().level("P0").orElseThrow().updateInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.severities().level("P3").orElseThrow().updateInterval()).isNull();
        TocsinConfig.Channel slack = config.notifications().channel("incidents-slack").orElseThrow();
        assertThat(slack.degraded()).as("SLACK_WEBHOOK_URL is not set").isTrue();
        assertThat(slack.missingVariables()).containsExactly("SLACK_WEBHOOK_URL");
        assertThat(config.notifications().channel("ops-discord").orElseThrow().rateLimit())
                .as("Discord's own limit").isEqualTo(new TocsinConfig.RateLimit(5, Duration.ofSeconds(5)));
        assertThat(config.notifications().smtp().degraded()).as("SMTP_HOST is not set").isTrue();
        assertThat(config.notifications().routes()).hasSize(3);
        assertThat(config.sha256()).hasSize(64);
    }

    @Test
    void aTeamCanUseItsOwnSeverityScale() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities:
                  - {id: SEV1, response_target: 15m}
                  - {id: SEV2, response_target: 30m}
                  - {id: SEV3, response_target: 4h}
                  - {id: SEV4, response_target: 2d}
                services: []
                """).toString());
        assertThat(config.severities().forEventSeverity("critical")).isEqualTo("SEV1");
        assertThat(config.severities().forEventSeverity("warning")).isEqualTo("SEV3");
        assertThat(config.severities().level("SEV4").orElseThrow().responseTarget()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void aShortScaleMapsTheRemainingEventSeveritiesToItsLastLevel() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities: [{id: high, response_target: 10m}, {id: low, response_target: 1d}]
                """).toString());
        assertThat(config.severities().forEventSeverity("error")).isEqualTo("low");
        assertThat(config.severities().forEventSeverity("info")).isEqualTo("low");
    }

    /** {@code status_page.publish}: all by default, a list of severities, or none; any other shape is named. */
    @Test
    void thePublishRuleIsAllNoneOrAListOfSeverities() throws IOException {
        String base = """
                severities: [{id: P0, response_target: 5m}, {id: P1, response_target: 15m}, {id: P3, response_target: 1d}]
                services: []
                """;
        TocsinConfig.Publish byDefault = loader.load(write(base).toString()).statusPage().publish();
        assertThat(byDefault.publishes("P3")).isTrue();
        assertThat(byDefault.wire()).isEqualTo("all");
        TocsinConfig.Publish listed = loader.load(write(base + "status_page: {publish: [P0, P1]}\n").toString())
                .statusPage().publish();
        assertThat(listed.publishes("P1")).isTrue();
        assertThat(listed.publishes("P3")).isFalse();
        assertThat(listed.wire()).isEqualTo("[P0, P1]");
        TocsinConfig.Publish none = loader.load(write(base + "status_page: {publish: none}\n").toString())
                .statusPage().publish();
        assertThat(none.publishes("P0")).isFalse();
        assertThat(loader.load(write(base + "status_page: {publish: all}\n").toString()).statusPage().publish()
                .publishes("P3")).isTrue();

        assertThat(refused(base + "status_page: {publish: some}\n").problems()).containsExactly(
                "status_page.publish: expected all, none or a list of severities (e.g. [P0, P1]) of [P0, P1, P3], got 'some'");
        assertThat(refused(base + "status_page: {publish: [P0, {id: P1}, P2]}\n").problems()).containsExactly(
                "status_page.publish[1]: unknown severity {\"id\":\"P1\"}, expected one of [P0, P1, P3]",
                "status_page.publish[2]: unknown severity 'P2', expected one of [P0, P1, P3]");
    }

    @Test
    void anUnknownFieldIsNamedWithItsPath() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                services:
                  - id: web
                    integration_kyes: [abcdefabcdefabcdef]
                """);
        assertThat(e.problems()).singleElement().asString()
                .isEqualTo("services[0].integration_kyes: unknown field");
    }

    /** Names are synced into the database; PostgreSQL refuses a NUL character in text with an SQL error at start-up. */
    @Test
    void textADatabaseCannotStoreIsNamedWithItsPath() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                services:
                  - id: web
                    name: "Web\\0site"
                    description: "half a pair: \\uD83D"
                """);
        assertThat(e.problems()).containsExactly("services[0].name: contains a NUL character",
                "services[0].description: contains an unpaired surrogate (U+D83D at character 14), half of a UTF-16 pair"
                        + " and not a character");
    }

    @Test
    void aWrongTypeIsNamedWithItsPath() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                limits: {events_per_second: lots}
                """);
        assertThat(e.problems()).singleElement().asString().contains("limits.events_per_second");
    }

    @Test
    void alertGroupingNamesAlertFieldsOrLabelsAndAWindowOfAMinuteToADay() throws IOException {
        Path file = write("""
                severities: [{id: P0, response_target: 5m}]
                services:
                  - {id: web, alert_grouping: {fields: [component, labels.region], window: 30m}}
                  - {id: api, alert_grouping: {}}
                  - {id: db}
                """);
        TocsinConfig config = loader.load(file.toString());
        assertThat(config.service("web").orElseThrow().alertGrouping())
                .isEqualTo(new TocsinConfig.AlertGrouping(List.of("component", "labels.region"), Duration.ofMinutes(30)));
        assertThat(config.service("api").orElseThrow().alertGrouping())
                .as("every alert of the service, until the incident is resolved")
                .isEqualTo(new TocsinConfig.AlertGrouping(List.of(), null));
        assertThat(config.service("db").orElseThrow().alertGrouping()).isNull();

        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                services:
                  - {id: web, alert_grouping: {fields: [component, host, labels., component], window: 25h}}
                  - {id: api, alert_grouping: {window: 30s}}
                """);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "services[0].alert_grouping.fields[1]: expected one of [class, component, group, severity, source, summary]"
                        + " or labels.NAME, got 'host'",
                "services[0].alert_grouping.fields[2]: expected one of [class, component, group, severity, source, summary]"
                        + " or labels.NAME, got 'labels.'",
                "services[0].alert_grouping.fields[3]: duplicate field 'component'",
                "services[0].alert_grouping.window: expected between 1m and 24h (or no window: until the incident is"
                        + " resolved), got '25h'",
                "services[1].alert_grouping.window: expected between 1m and 24h (or no window: until the incident is"
                        + " resolved), got '30s'");
    }

    @Test
    void everySemanticProblemIsReportedAtOnce() throws IOException {
        ConfigException e = refused("""
                severities:
                  - {id: P0, response_target: 5m}
                  - {id: P0, response_target: soon}
                users: [{id: ana, email: not-an-email}]
                teams: [{id: ops, members: [ana, zed]}]
                services:
                  - {id: Web Site, integration_keys: [short]}
                  - {id: api, team: nobody, integration_keys: [shared-key-0000000001]}
                  - {id: api2, integration_keys: [shared-key-0000000001], heartbeats: [{name: cron, interval: 0s, severity: dire}]}
                routing:
                  severity_map: {critical: P9, fatal: P0}
                  rules:
                    - {match: {service: ghost, summary: "([unclosed"}, severity: P7}
                    - {match: {severity: loud}}
                api_keys: [{name: ci, sha256: abc, scope: god, user: nobody}]
                limits: {max_body_bytes: -1}
                integrations: [{name: chat, type: carrier-pigeon}]
                """);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("severities[1].id: duplicate"))
                .anySatisfy(p -> assertThat(p).startsWith("severities[1].response_target: expected a duration"))
                .anySatisfy(p -> assertThat(p).startsWith("users[0].email"))
                .anySatisfy(p -> assertThat(p).startsWith("teams[0].members[1]: unknown user 'zed'"))
                .anySatisfy(p -> assertThat(p).startsWith("services[0].id: expected lower-case"))
                .anySatisfy(p -> assertThat(p).startsWith("services[1].team: unknown team"))
                .anySatisfy(p -> assertThat(p).startsWith("services[2].integration_keys[0]: the same key is already used by service 'api'"))
                .anySatisfy(p -> assertThat(p).startsWith("services[2].heartbeats[0].interval: expected a positive duration"))
                .anySatisfy(p -> assertThat(p).startsWith("services[2].heartbeats[0].severity: expected one of"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.severity_map.critical: unknown severity"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.severity_map.fatal: expected one of"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.rules[0].match.service: unknown service"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.rules[0].match.summary: expected a regular expression"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.rules[0].severity: unknown severity 'P7'"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.rules[1].match.severity: expected one of"))
                .anySatisfy(p -> assertThat(p).startsWith("routing.rules[1]: expected at least one action"))
                .anySatisfy(p -> assertThat(p).startsWith("api_keys[0].sha256"))
                .anySatisfy(p -> assertThat(p).startsWith("api_keys[0].scope"))
                .anySatisfy(p -> assertThat(p).startsWith("api_keys[0].user"))
                .anySatisfy(p -> assertThat(p).startsWith("limits.max_body_bytes: expected a positive number"))
                .anySatisfy(p -> assertThat(p).startsWith("integrations[0].type"));
    }

    @Test
    void missingSeveritiesAreACriticalSetting() throws IOException {
        ConfigException e = refused("services: []\n");
        assertThat(e.problems()).singleElement().asString().startsWith("severities: required");
    }

    @Test
    void anEmptyOrMissingFileIsRefused() throws IOException {
        assertThat(refused("").problems().get(0)).contains("empty");
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yml").toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("file not found");
        assertThatThrownBy(() -> loader.load("classpath:nope.yml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no such resource");
    }

    @Test
    void environmentReferencesResolveAndMissingOnesDegradeOptionalIntegrations() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities: [{id: P0, response_target: 5m}]
                integrations:
                  - {name: slack, type: slack, settings: {webhook_url: "${SLACK_URL}"}}
                  - {name: mail, type: email, settings: {password: "${SMTP_PASSWORD}", host: smtp.local}}
                """).toString());
        assertThat(config.integrations().get(0).settings().get("webhook_url")).isEqualTo("https://hooks.slack.test/x");
        assertThat(config.integrations().get(0).degraded()).isFalse();
        assertThat(config.integrations().get(1).degraded()).isTrue();
        assertThat(config.integrations().get(1).missingVariables()).containsExactly("SMTP_PASSWORD");
    }

    @Test
    void aRequiredIntegrationWithoutItsEnvironmentRefusesToStart() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                integrations: [{name: pager, type: webhook, required: true, settings: {url: "${PAGER_URL}"}}]
                """);
        assertThat(e.problems()).singleElement().asString().contains("integrations[0].settings", "PAGER_URL");
    }

    @Test
    void durationsAcceptTheShortAndTheIsoForms() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThatThrownBy(() -> Durations.parse("15 minutes")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("m15")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startUpIsRefusedWithAMessageNamingTheFileAndField(CapturedOutput output) throws IOException {
        Path file = write("""
                severities: [{id: P0, response_target: whenever}]
                """);
        SpringApplication app = new SpringApplication(TocsinApplication.class);
        assertThatThrownBy(() -> app.run("--tocsin.config=" + file, "--tocsin.data-dir=" + dir.resolve("data"),
                "--server.port=0", "--tocsin.engine.enabled=false")).hasRootCauseInstanceOf(ConfigException.class);
        assertThat(output.getAll()).contains("The configuration file " + file + " is invalid:",
                "severities[0].response_target: expected a duration");
    }

    @Test
    void escalationPoliciesContactMethodsAndRulesAreCheckedFieldByField() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}, {id: P1, response_target: 15m}]
                users:
                  - id: ana
                    contact_methods:
                      - {id: phone, type: sms, address: "+4915112345678"}
                      - {id: hook, type: webhook, address: "ftp://example.com"}
                      - {id: pager, type: carrier-pigeon, address: roof}
                    notification_rules:
                      - {contact_method: phone, after: 0m}
                      - {contact_method: nowhere, after: 5m}
                schedules:
                  - {id: primary, time_zone: UTC, layers: [{name: a, rotation: {kind: daily, users: [ana], start: "2026-01-01T09:00"}}]}
                escalation_policies:
                  - id: main
                    repeat: 11
                    levels:
                      - {targets: [{schedule: primary}]}
                      - {targets: [{user: zed}, {schedule: missing}, {user: ana, schedule: primary}], delay: 10m}
                    severities:
                      P0: {start_level: 3}
                      P9: {start_level: 1}
                services:
                  - {id: api, escalation_policy: main}
                  - {id: web, escalation_policy: nope}
                """);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "users[0].contact_methods[1].address: expected an http or https URL",
                "users[0].contact_methods[2].type: expected one of email, slack, discord, webhook, sms, voice, got 'carrier-pigeon'",
                "users[0].notification_rules[0].contact_method: 'phone' is a phone number for sms, and Tocsin has no sms provider yet: "
                        + "use e-mail, Slack, Discord or a webhook",
                "users[0].notification_rules[1].contact_method: unknown contact method 'nowhere', expected one of [phone]",
                "escalation_policies[0].repeat: expected 0 to 10 (how many more times to run the policy), got 11",
                "escalation_policies[0].levels[0].delay: required: how long to wait for an acknowledgement before the next level, such as 15m",
                "escalation_policies[0].levels[1].targets[0].user: unknown user 'zed'",
                "escalation_policies[0].levels[1].targets[1].schedule: unknown schedule 'missing'",
                "escalation_policies[0].levels[1].targets[2]: expected exactly one of 'user' or 'schedule'",
                "escalation_policies[0].severities.P0.start_level: expected a level from 1 to 2, got 3",
                "escalation_policies[0].severities.P9: unknown severity 'P9', expected one of [P0, P1]",
                "services[1].escalation_policy: unknown escalation policy 'nope'");
    }

    /** A policy whose id was refused was checked no further, and an empty entry not at all. */
    @Test
    void aPolicyWithABadIdIsStillCheckedToTheEndAndAnEmptyOneIsRefused() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                users: [{id: ana}]
                escalation_policies:
                  - id: Main Policy
                    repeat: -1
                    levels:
                      - {targets: [{user: zed}], delay: soon}
                  - null
                services: [{id: api}]
                """);
        assertThat(e.problems()).containsExactly(
                "escalation_policies[0].id: expected lower-case letters, digits, '.', '_' or '-' (at most 100), got 'Main Policy'",
                "escalation_policies[0].repeat: expected 0 to 10 (how many more times to run the policy), got -1",
                "escalation_policies[0].levels[0].targets[0].user: unknown user 'zed'",
                "escalation_policies[0].levels[0].delay: expected a duration such as 30s, 15m, 1h or 2d, got 'soon'",
                "escalation_policies[1]: expected a policy with 'id' and 'levels'");
    }

    /** Integration keys are secrets; config as code keeps them out of the file with ${VAR}, as every other secret. */
    @Test
    void anIntegrationKeyMayComeFromTheEnvironmentAndAnUnsetOneIsNamed() throws IOException {
        TocsinConfig config = new ConfigLoader(Map.of("CHECKOUT_KEY", "from-the-environment-0001")::get).load(write("""
                severities: [{id: P0, response_target: 5m}]
                services: [{id: checkout, integration_keys: ["${CHECKOUT_KEY}", "written-in-the-file-0001"]}]
                """).toString());
        assertThat(config.service("checkout").orElseThrow().integrationKeys())
                .containsExactly("from-the-environment-0001", "written-in-the-file-0001");

        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                services: [{id: checkout, integration_keys: ["${TOCSIN_TEST_UNSET_KEY}"]}]
                """);
        assertThat(e.problems()).containsExactly("services[0].integration_keys[0]: needs the environment variable(s)"
                + " [TOCSIN_TEST_UNSET_KEY], which are not set");
    }

    /** A line "- null" (or "- ~") in a list is a slip of the editor: named, never dropped without a word. */
    @Test
    void anEmptyEntryInAnyListIsNamedRatherThanDropped() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                users:
                  - {id: ana, contact_methods: [null]}
                  - null
                  -
                teams: [null]
                services:
                  - {id: api, heartbeats: [null]}
                  - null
                api_keys: [null]
                schedules: [null]
                monitors: [null]
                maintenance_windows: [null]
                """);
        assertThat(e.problems()).as("schedules: [null] was a NullPointerException at start").containsExactlyInAnyOrder(
                "users[0].contact_methods[0]: empty: give the entry's fields, or remove the line",
                "users[1]: empty: give the entry's fields, or remove the line",
                "users[2]: empty: give the entry's fields, or remove the line",
                "teams[0]: empty: give the entry's fields, or remove the line",
                "services[0].heartbeats[0]: empty: give the entry's fields, or remove the line",
                "services[1]: empty: give the entry's fields, or remove the line",
                "api_keys[0]: empty: give the entry's fields, or remove the line",
                "schedules[0]: empty: give the entry's fields, or remove the line",
                "monitors[0]: empty: give the entry's fields, or remove the line",
                "maintenance_windows[0]: empty: give the entry's fields, or remove the line");
    }

    @Test
    void aUserWithAnEmailAndNoContactMethodsIsPagedByEmailAtOnce() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities: [{id: P0, response_target: 5m}]
                users: [{id: bo, email: bo@example.com}]
                services: [{id: api}]
                """).toString());
        TocsinConfig.User bo = config.user("bo").orElseThrow();
        assertThat(bo.contactMethods()).containsExactly(
                new TocsinConfig.ContactMethod("email", TocsinConfig.ContactType.EMAIL, "bo@example.com"));
        assertThat(bo.notificationRules()).containsExactly(new TocsinConfig.NotificationRule("email", Duration.ZERO));
    }

    @Test
    void notificationSectionsAreCheckedFieldByField() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m, update_interval: often}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                channels:
                  - {id: chat, type: carrier-pigeon, url: "https://x.test"}
                  - {id: hook, type: webhook}
                  - {id: mail, type: email, url: "https://x.test"}
                  - {id: slack, type: slack, url: "ftp://x.test", secret: s}
                  - {id: disc, type: discord, url: "https://x.test", rate_limit: {messages: 0, per: 5s}}
                  - {id: req, type: slack, url: "${NOT_SET_ANYWHERE}", required: true}
                smtp: {host: mail.test, from: nobody, security: sometimes}
                notification_routes:
                  - {services: [nope], severities: [P9], messages: [gossip], channels: [ghost]}
                  - {name: no channels}
                templates:
                  - {kind: shout, text: hi}
                  - {kind: update, severity: P9, text: hi}
                  - {kind: update}
                """);
        assertThat(e.problems()).contains(
                "severities[0].update_interval: expected a duration such as 30s, 15m, 1h or 2d, got 'often'",
                "channels[0].type: expected one of slack, discord, teams, email, webhook, got 'carrier-pigeon'",
                "channels[1].url: required: the webhook webhook URL, usually an ${ENV} reference",
                "channels[2].url: an e-mail channel has recipients in 'to', not a url",
                "channels[2].to: required: a list of e-mail addresses",
                "channels[3].url: expected an http or https URL",
                "channels[3].secret: only webhook channels are signed; remove it for slack",
                "channels[4].rate_limit.messages: expected a positive number of messages, got 0",
                "channels[5]: required channel 'req' needs the environment variable(s) [NOT_SET_ANYWHERE], which are not set",
                "smtp.security: expected one of none, starttls, tls, got 'sometimes'",
                "smtp.from: expected an e-mail address or \"Name <address>\", got 'nobody'",
                "notification_routes[0].services[0]: unknown service 'nope', expected one of [web]",
                "notification_routes[0].severities[0]: unknown severity 'P9', expected one of [P0]",
                "notification_routes[0].messages[0]: unknown message kind 'gossip', expected one of [opened, resolved, update]",
                "notification_routes[0].channels[0]: unknown channel 'ghost', expected one of [chat, disc, hook, mail, req, slack]"
                        .replace("chat, ", ""),
                "notification_routes[1].channels: required: the ids of the channels this route sends to",
                "templates[0].kind: expected one of [page, opened, update, resolved, reminder, test], got 'shout'",
                "templates[1].severity: unknown severity 'P9', expected one of [P0]",
                "templates[2].text: required: the message text, with {{variables}}");
    }

    @Test
    void channelsResolveEnvironmentReferencesAndTakeTheProvidersLimits() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                channels:
                  - {id: team, type: slack, url: "${SLACK_URL}"}
                  - {id: unset, type: discord, url: "${DISCORD_URL}"}
                  - {id: fast, type: webhook, url: "https://hooks.test/x", rate_limit: {messages: 10, per: 1s}}
                notification_routes: [{channels: [team]}]
                """).toString());
        TocsinConfig.Channel team = config.notifications().channel("team").orElseThrow();
        assertThat(team.url()).isEqualTo("https://hooks.slack.test/x");
        assertThat(team.degraded()).isFalse();
        assertThat(team.rateLimit()).isEqualTo(new TocsinConfig.RateLimit(1, Duration.ofSeconds(1)));
        assertThat(team.toString()).as("a webhook URL is a secret").doesNotContain("hooks.slack.test");
        assertThat(config.notifications().channel("unset").orElseThrow().missingVariables()).containsExactly("DISCORD_URL");
        assertThat(config.notifications().channel("fast").orElseThrow().rateLimit())
                .isEqualTo(new TocsinConfig.RateLimit(10, Duration.ofSeconds(1)));
        TocsinConfig.NotificationRoute route = config.notifications().routes().get(0);
        assertThat(route.matches("web", "P0", "opened")).isTrue();
        assertThat(route.messages()).containsExactlyInAnyOrder("opened", "update", "resolved");
    }

    @Test
    void anEnvironmentReferenceCanCarryADefault() throws IOException {
        TocsinConfig config = loader.load(write("""
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                channels:
                  - {id: with-default, type: webhook, url: "${UNSET_URL:-http://localhost:9000/hook}"}
                  - {id: set-wins, type: slack, url: "${SLACK_URL:-http://ignored}"}
                """).toString());
        assertThat(config.notifications().channel("with-default").orElseThrow().url()).isEqualTo("http://localhost:9000/hook");
        assertThat(config.notifications().channel("with-default").orElseThrow().degraded()).isFalse();
        assertThat(config.notifications().channel("set-wins").orElseThrow().url()).isEqualTo("https://hooks.slack.test/x");
    }

    @Test
    void aPasswordWhereAHashBelongsIsRefusedWithoutEchoingIt() throws IOException {
        ConfigException e = refused("""
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                users:
                  - {id: ana, password_hash: "hunter2-plain"}
                  - {id: bo, password_hash: "$2a$10$xbZn8SNcOIzNAO9dhtMVL.gn5FZ.hr0upMEsgB1oVWlPUfm1cjcCa"}
                """);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("users[0].password_hash: expected a bcrypt hash").doesNotContain("hunter2");
    }
}
