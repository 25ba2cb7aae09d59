package dev.tocsin.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.text.SqlText;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs a JSON body to a chat or webhook destination and classifies the answer. Error reasons carry the status and
 * the provider's short error text, never the URL: webhook URLs are secrets.
 */
@Component
class HttpSender {

    private static final int REASON_MAX = 300;

    /** Built at the first delivery: the JDK's TLS set-up (reading its trusted certificates) is not start-up work. */
    private final SingletonSupplier<HttpClient> client;
    private final Duration timeout;
    private final JsonMapper json;
    private final Clock clock;
    private final TocsinConfig.SlackApi slack;

    HttpSender(@Value("${tocsin.delivery.timeout:10s}") Duration timeout, JsonMapper json, Clock clock,
               TocsinConfig config) {
        this.slack = config.notifications().slack();
        this.client = SingletonSupplier.of(() -> HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
        this.timeout = timeout;
        this.json = json;
        this.clock = clock;
    }

    Outcome post(Destinations.Destination d, String body, String idempotencyKey) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(d.kind() == Destinations.Kind.SLACK_API
                            ? slack.apiUrl() + "/chat.postMessage" : d.address()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Tocsin")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Outcome.failed(null, "the destination's URL is not valid");
        }
        if (d.kind() == Destinations.Kind.SLACK_API) {
            request.header("Authorization", "Bearer " + slack.botToken());
        }
        if (d.kind() == Destinations.Kind.WEBHOOK) {
            // Receivers de-duplicate by this key and reject replays by the signed timestamp (docs/notifications/webhook.md).
            long timestamp = clock.instant().getEpochSecond();
            request.header("Idempotency-Key", idempotencyKey).header("X-Tocsin-Timestamp", Long.toString(timestamp));
            if (d.secret() != null) {
                // Both schemes on every signed request: receivers written against ours keep working, and any
                // Standard Webhooks library verifies the other.
                String messageId = WebhookSignatures.messageId(idempotencyKey);
                String standard = WebhookSignatures.standard(d.secret(), messageId, timestamp, body);
                request.header("X-Tocsin-Signature", WebhookSignatures.tocsin(d.secret(), timestamp, body));
                if (d.previousSecret() != null) {
                    // A rotation: a receiver that still holds the old key verifies as well as one that has the new.
                    // Standard Webhooks lists signatures in its one header; ours stays one value, which receivers
                    // compare whole, and the old key's goes in a header of its own.
                    standard += " " + WebhookSignatures.standard(d.previousSecret(), messageId, timestamp, body);
                    request.header("X-Tocsin-Signature-Previous",
                            WebhookSignatures.tocsin(d.previousSecret(), timestamp, body));
                }
                request.header("webhook-id", messageId)
                        .header("webhook-timestamp", Long.toString(timestamp))
                        .header("webhook-signature", standard);
            }
        }
        HttpResponse<String> response;
        try {
            response = client.obtain().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return Outcome.retry(null, "no answer within " + timeout.toMillis() + " ms", null);
        } catch (ConnectException e) {
            return Outcome.retry(null, "connection refused or unreachable", null);
        } catch (IOException e) {
            return Outcome.retry(null, "connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + scrub(e.getMessage(), d) + ")"), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry(null, "interrupted while sending (shutting down)", null);
        }
        return classify(d, response);
    }

    private Outcome classify(Destinations.Destination d, HttpResponse<String> response) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body().strip();
        if (status == 429) {
            return Outcome.throttled(status, "rate limited by the destination", retryAfter(response, text));
        }
        if (status >= 200 && status < 300) {
            if (d.kind() == Destinations.Kind.SLACK_API) {
                return slackApiOutcome(status, text);
            }
            return Outcome.sent(status);
        }
        String reason = "HTTP " + status + (text.isEmpty() ? "" : ": " + truncate(scrub(text, d)));
        if (status >= 500 || status == 408) {
            return Outcome.retry(status, reason, status == 503 ? retryAfter(response, text) : null);
        }
        return Outcome.failed(status, reason);
    }

    /** Slack's Web API answers 200 with {"ok":false,"error":"…"} for most refusals. */
    private Outcome slackApiOutcome(int status, String text) {
        try {
            JsonNode answer = json.readTree(text);
            if (answer.path("ok").asBoolean(false)) {
                return Outcome.sent(status);
            }
            String error = answer.path("error").asString("unknown_error");
            return "ratelimited".equals(error) ? Outcome.throttled(status, "Slack: ratelimited", Duration.ofSeconds(1))
                    : Outcome.failed(status, "Slack: " + error);
        } catch (RuntimeException e) {
            return Outcome.retry(status, "Slack answered something that is not JSON", null);
        }
    }

    /** Retry-After in seconds or as an HTTP date; Discord also puts {@code retry_after} (seconds) in the body. */
    private Duration retryAfter(HttpResponse<String> response, String body) {
        String header = response.headers().firstValue("Retry-After").orElse(null);
        if (header != null) {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(header.strip()) * 1000));
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration wait = Duration.between(clock.instant(), at.toInstant());
                    return wait.isNegative() ? Duration.ZERO : wait;
                } catch (DateTimeParseException ignored) {
                    // fall through to the body
                }
            }
        }
        try {
            JsonNode node = json.readTree(body).path("retry_after");
            if (node.isNumber()) {
                return Duration.ofMillis(Math.round(node.asDouble() * 1000));
            }
        } catch (RuntimeException ignored) {
            // not JSON
        }
        return null;
    }

    /** A provider may echo the URL or address in its error; keep it out of what we store. */
    private static String scrub(String text, Destinations.Destination d) {
        return d.address() == null ? text : text.replace(d.address(), "[destination]");
    }

    private static String truncate(String s) {
        return SqlText.abbreviate(s.replaceAll("\\s+", " "), REASON_MAX);
    }
}
