package dev.tocsin.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Standard Webhooks signatures (standardwebhooks.com) against the specification's own test vector, and the secrets a
 * configuration may sign with. A real delivery's headers are checked end to end in NotificationApiTest.
 */
class WebhookSignaturesTest {

    @TempDir
    Path dir;

    /** From the spec repository's libraries' tests (test_sign_function, "sign function works"). */
    @Test
    void theSpecificationsTestVectorGivesItsSignature() {
        assertThat(WebhookSignatures.standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /** What docs/notifications/webhook.md tells a receiver to give its library for a secret without the prefix. */
    @Test
    void aSecretWithoutThePrefixSignsAsWhsecAndTheBase64OfItsText() {
        String secret = "correct horse battery staple";
        String asALibraryTakesIt = "whsec_" + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        assertThat(WebhookSignatures.standard(secret, "msg_1", 1614265330L, "{}"))
                .isEqualTo(WebhookSignatures.standard(asALibraryTakesIt, "msg_1", 1614265330L, "{}"));
    }

    /** The id is signed as {@code id.timestamp.body}: a dot in it, as a configured id may have, would blur the split. */
    @Test
    void theMessageIdIsStablePerIdempotencyKeyAndHasNoDot() {
        String key = "update:7:2:channel:audit.hook";
        assertThat(WebhookSignatures.messageId(key)).isEqualTo(WebhookSignatures.messageId(key))
                .matches("msg_[0-9a-f]{32}")
                .isNotEqualTo(WebhookSignatures.messageId("update:7:3:channel:audit.hook"));
    }

    @Test
    void aWhsecSecretThatIsNotBase64IsRefusedAtStartUpNamingTheFieldButNotTheSecret() throws IOException {
        assertThatThrownBy(() -> load("""
                channels:
                  - {id: fine, type: webhook, url: "https://example.com/a", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
                  - {id: typo, type: webhook, url: "https://example.com/b", secret: "whsec_not-base64!"}
                  - {id: bare, type: webhook, url: "https://example.com/c", secret: "whsec_"}
                users:
                  - name: Ana
                    id: ana
                    contact_methods:
                      - {id: text, type: webhook, address: "https://example.com/d", secret: "any text at all"}
                      - {id: hook, type: webhook, address: "https://example.com/e", secret: "whsec_%%%%"}
                """)).isInstanceOf(ConfigException.class).satisfies(e -> {
            List<String> problems = ((ConfigException) e).problems();
            assertThat(problems).hasSize(3);
            assertThat(problems.get(0)).startsWith("channels[1].secret: a whsec_ secret must be base64 after the prefix");
            assertThat(problems.get(1)).startsWith("channels[2].secret: a whsec_ secret needs the key after the prefix");
            assertThat(problems.get(2))
                    .startsWith("users[0].contact_methods[1].secret: a whsec_ secret must be base64 after the prefix");
            assertThat(((ConfigException) e).report()).doesNotContain("not-base64", "%%%%");
        });
    }

    @Test
    void aValidWhsecSecretAndAnyOtherTextAreAccepted() throws IOException {
        TocsinConfig config = load("""
                channels:
                  - {id: standard, type: webhook, url: "https://example.com/a", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
                  - {id: unpadded, type: webhook, url: "https://example.com/b", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr"}
                  - {id: legacy, type: webhook, url: "https://example.com/c", secret: "whsec-like but plain text"}
                """);
        assertThat(config.notifications().channels()).hasSize(3);
    }

    /** A previous secret is read as the secret is, and only beside one; an empty secret cannot sign and is refused. */
    @Test
    void aPreviousSecretNeedsASecretAndNeitherMayBeEmptyOrNameAnUnsetVariable() throws IOException {
        assertThatThrownBy(() -> load("""
                channels:
                  - {id: alone, type: webhook, url: "https://example.com/a", previous_secret: "old"}
                  - {id: blank-old, type: webhook, url: "https://example.com/b", secret: "new", previous_secret: ""}
                  - {id: blank, type: webhook, url: "https://example.com/c", secret: ""}
                  - {id: chat, type: slack, url: "https://example.com/d", previous_secret: "old"}
                users:
                  - name: Ana
                    id: ana
                    contact_methods:
                      - {id: unset, type: webhook, address: "https://example.com/e", secret: "new", previous_secret: "${OLD_HOOK_SECRET}"}
                      - {id: alone, type: webhook, address: "https://example.com/f", previous_secret: "old"}
                      - {id: blank, type: webhook, address: "https://example.com/g", secret: "new", previous_secret: ""}
                """)).isInstanceOf(ConfigException.class).satisfies(e -> assertThat(((ConfigException) e).problems())
                .anyMatch(p -> p.startsWith("channels[0].previous_secret: needs a 'secret'"))
                .anyMatch(p -> p.startsWith("channels[1].previous_secret: must not be empty"))
                .anyMatch(p -> p.startsWith("channels[2].secret: must not be empty"))
                .anyMatch(p -> p.startsWith("channels[3].previous_secret: only webhook channels are signed"))
                .anyMatch(p -> p.startsWith("users[0].contact_methods[0].previous_secret: needs the environment "
                        + "variable(s) [OLD_HOOK_SECRET]"))
                .anyMatch(p -> p.startsWith("users[0].contact_methods[1].previous_secret: needs a 'secret'"))
                .anyMatch(p -> p.startsWith("users[0].contact_methods[2].previous_secret: must not be empty")));
    }

    @Test
    void aWhsecPreviousSecretThatIsNotBase64IsRefusedNamingTheField() throws IOException {
        assertThatThrownBy(() -> load("""
                channels:
                  - {id: hook, type: webhook, url: "https://example.com/a", secret: "new", previous_secret: "whsec_not-base64!"}
                users:
                  - name: Ana
                    id: ana
                    contact_methods:
                      - {id: hook, type: webhook, address: "https://example.com/b", secret: "new", previous_secret: "whsec_%%%%"}
                """)).isInstanceOf(ConfigException.class).satisfies(e -> {
            assertThat(((ConfigException) e).problems()).containsExactly(
                    "channels[0].previous_secret: " + WebhookSignatures.secretProblem("whsec_not-base64!"),
                    "users[0].contact_methods[0].previous_secret: " + WebhookSignatures.secretProblem("whsec_%%%%"));
            assertThat(((ConfigException) e).report()).doesNotContain("not-base64", "%%%%");
        });
    }

    /** As with its secret or URL, a channel whose previous secret names an unset variable is degraded, saying which. */
    @Test
    void aChannelWhosePreviousSecretNamesAnUnsetVariableIsDegradedNamingIt() throws IOException {
        TocsinConfig config = load("""
                channels:
                  - {id: rotating, type: webhook, url: "https://example.com/a", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", previous_secret: "old text"}
                  - {id: unset, type: webhook, url: "https://example.com/b", secret: "new", previous_secret: "${OLD_HOOK_SECRET}"}
                """);
        assertThat(config.notifications().channel("rotating").orElseThrow().previousSecret()).isEqualTo("old text");
        assertThat(config.notifications().channel("unset").orElseThrow().missingVariables())
                .containsExactly("OLD_HOOK_SECRET");
    }

    private TocsinConfig load(String notifications) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities:
                  - {id: SEV1, response_target: 5m, update_interval: 30m}
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """ + notifications);
        return new ConfigLoader(name -> null, List.of(new WebhookSecretRules())).load(file.toString());
    }
}
