package dev.tocsin.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration mistakes that must refuse start-up with the field's path, and environment values taken as written. */
class ConfigSecretsTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void twoApiKeysWithTheSameSecretOrNameAreRefused() throws IOException {
        String hash = "a".repeat(64);
        Path file = write("""
                severities: [{id: P0, response_target: 5m}]
                api_keys:
                  - {name: ci, sha256: %s, scope: read}
                  - {name: ops, sha256: %s, scope: admin}
                  - {name: ci, sha256: %s, scope: write}
                """.formatted(hash, hash, "b".repeat(64)));
        assertThatThrownBy(() -> new ConfigLoader(name -> null).load(file.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("api_keys[1].sha256"))
                        .anyMatch(p -> p.startsWith("api_keys[2].name")));
    }

    @Test
    void aWebhookSecretWhoseVariableIsUnsetIsRefusedNamingTheVariable() throws IOException {
        Path file = write("""
                severities: [{id: P0, response_target: 5m}]
                users:
                  - id: ana
                    contact_methods:
                      - {id: hook, type: webhook, address: "https://hooks.example.com/ana", secret: "${ANA_HOOK_SECRET}"}
                """);
        // Before: it loaded with secret "" and every page to it failed at send time (HMAC with an empty key).
        assertThatThrownBy(() -> new ConfigLoader(name -> null).load(file.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("users[0].contact_methods[0].secret") && p.contains("ANA_HOOK_SECRET")));
    }

    @Test
    void anEnvironmentValueHoldingADollarBraceIsTakenAsWritten() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("HOOK_URL", "https://hooks.example.com/x?sig=a${b}c", "PORT_TEXT", "x${HOME}y")));
        Path file = write("""
                severities: [{id: P0, response_target: 5m}]
                integrations:
                  - {name: hook, type: webhook, settings: {url: "${HOOK_URL}", other: "${PORT_TEXT}"}}
                """);
        TocsinConfig config = new ConfigLoader(ConfigConfiguration.variables(environment)).load(file.toString());
        assertThat(config.integrations().get(0).settings())
                .containsEntry("url", "https://hooks.example.com/x?sig=a${b}c")
                .containsEntry("other", "x${HOME}y");
    }

    /** An e-mail channel reaches nobody while smtp cannot: it reports degraded with smtp's missing variables. */
    @Test
    void anEmailChannelIsDegradedWhileSmtpIs() throws IOException {
        Path file = write("""
                severities: [{id: P0, response_target: 5m}]
                channels:
                  - {id: stakeholders, type: email, to: [team@example.com]}
                  - {id: chat, type: slack, url: "https://hooks.slack.com/services/T/B/x"}
                smtp: {host: "${SMTP_HOST}", from: "Tocsin <tocsin@example.com>"}
                """);
        TocsinConfig config = new ConfigLoader(name -> null).load(file.toString());
        assertThat(config.notifications().channels().get(0).degraded()).isTrue();
        assertThat(config.notifications().channels().get(0).missingVariables()).containsExactly("SMTP_HOST");
        assertThat(config.notifications().channels().get(1).degraded()).isFalse();
        TocsinConfig withSmtp = new ConfigLoader(name -> name.equals("SMTP_HOST") ? "mail.example.com" : null)
                .load(file.toString());
        assertThat(withSmtp.notifications().channels().get(0).degraded()).isFalse();
    }

    /** Unknown fields and wrong types are all named at once, as the later checks name theirs. */
    @Test
    void everyUnknownFieldAndWrongTypeIsReportedAtOnce() throws IOException {
        Path file = write("""
                severities: [{id: P0, respons_target: 5m}]
                limits: {max_body_bytes: lots}
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001], colour: blue}]
                """);
        assertThatThrownBy(() -> new ConfigLoader(name -> null).load(file.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .as(String.join("\n", e.problems()))
                        .anyMatch(p -> p.equals("severities[0].respons_target: unknown field"))
                        .anyMatch(p -> p.startsWith("limits.max_body_bytes: wrong type"))
                        .anyMatch(p -> p.equals("services[0].colour: unknown field")));
    }
}
