package dev.tocsin.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Channels and messages through the API: which channels exist and how they are doing, a test message to any
 * channel or contact method (seed 001: "test webhook connectivity"), a failed message retried by hand, and a preview
 * of any template for an incident, exactly as a channel would receive it.
 */
@RestController
class NotificationController {

    private static final Duration TEST_WAIT = Duration.ofSeconds(20);

    private final TocsinConfig config;
    private final Outbox outbox;
    private final Delivery delivery;
    private final Destinations destinations;
    private final Templates templates;
    private final Payloads payloads;
    private final MessagePreviews previews;
    private final IncidentService incidents;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    NotificationController(TocsinConfig config, Outbox outbox, Delivery delivery, Destinations destinations,
                           Templates templates, Payloads payloads, MessagePreviews previews, IncidentService incidents,
                           TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.config = config;
        this.outbox = outbox;
        this.delivery = delivery;
        this.destinations = destinations;
        this.templates = templates;
        this.payloads = payloads;
        this.previews = previews;
        this.incidents = incidents;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/api/v1/channels")
    List<Map<String, Object>> channels() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TocsinConfig.Channel c : config.notifications().channels()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", c.id());
            view.put("type", c.type().wire());
            view.put("status", c.degraded() ? "degraded" : "configured");
            if (c.degraded()) {
                view.put("missing_environment", c.missingVariables());
            }
            if (c.type() == TocsinConfig.ChannelType.EMAIL) {
                view.put("to", c.to());
            }
            view.put("signed", c.secret() != null);
            view.put("rate_limit", c.rateLimit() == null ? null
                    : Map.of("messages", c.rateLimit().messages(), "per", Durations.format(c.rateLimit().per())));
            view.put("circuit", delivery.breaker(Destinations.channelKey(c.id())).getState().name().toLowerCase(Locale.ROOT));
            view.put("routes", config.notifications().routes().stream().filter(r -> r.channels().contains(c.id()))
                    .map(TocsinConfig.NotificationRoute::name).toList());
            out.add(view);
        }
        return out;
    }

    @PostMapping("/api/v1/channels/{id}/test")
    ResponseEntity<Map<String, Object>> testChannel(@PathVariable String id) {
        config.notifications().channel(id).orElseThrow(() -> new NotFoundException("channel '" + id + "' does not exist"));
        return test(Destinations.channelKey(id), null, "channel " + id);
    }

    @PostMapping("/api/v1/users/{userId}/contact-methods/{methodId}/test")
    ResponseEntity<Map<String, Object>> testContactMethod(@PathVariable String userId, @PathVariable String methodId) {
        TocsinConfig.User user = config.user(userId)
                .orElseThrow(() -> new NotFoundException("user '" + userId + "' does not exist"));
        TocsinConfig.ContactMethod method = user.contactMethod(methodId).orElseThrow(() -> new NotFoundException(
                "user '" + userId + "' has no contact method '" + methodId + "'"));
        if (!method.type().deliverable()) {
            throw new InvalidInputException("contact_method", "'" + methodId + "' is a phone number for "
                    + method.type().wire() + ", and Tocsin has no " + method.type().wire() + " provider yet");
        }
        return test(Destinations.userKey(userId, methodId), userId, user.name() + "'s " + method.type().wire()
                + " (" + methodId + ")");
    }

    /** Enqueues a test message, sends it at once, and answers how it went: 200 sent, 502 refused or unreachable. */
    private ResponseEntity<Map<String, Object>> test(String destination, String userId, String label) {
        Destinations.Resolution resolution = destinations.resolve(destination);
        if (resolution.destination() == null) {
            throw new InvalidInputException("destination", resolution.problem());
        }
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("destination", label);
        body.put("now", MessageFacts.time(now));
        String key = "test:" + destination + ":" + UUID.randomUUID();
        tx.executeWithoutResult(status -> outbox.enqueue(new Outbox.NewMessage(key, null, userId,
                resolution.destination().kind().wire, destination, "test", "Tocsin test message", body)));
        OutboxMessage message = outbox.findByKey(key).orElseThrow();
        long deadline = System.nanoTime() + TEST_WAIT.toNanos();
        while (true) {
            delivery.deliverTo(destination);
            message = outbox.find(message.id()).orElseThrow();
            boolean settled = !"pending".equals(message.status()) || tried(message);
            boolean held = delivery.breaker(destination).getState() == CircuitBreaker.State.OPEN
                    || delivery.pausedUntil(destination).isPresent();
            if (settled || held || System.nanoTime() > deadline) {
                break;
            }
            sleep(100); // rate-limited or another sender has it: it goes within the window
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message_id", message.id());
        answer.put("destination", destination);
        answer.put("status", message.status());
        answer.put("http_status", message.lastStatus());
        if (message.lastError() != null) {
            answer.put("error", message.lastError());
        }
        if ("pending".equals(message.status()) && tried(message)) {
            answer.put("next_attempt_at", message.nextAttemptAt());
        } else if ("pending".equals(message.status())) {
            Optional<Instant> paused = delivery.pausedUntil(destination);
            if (paused.isPresent()) {
                answer.put("held_until", paused.get());
            }
            answer.put("note", delivery.breaker(destination).getState() == CircuitBreaker.State.OPEN
                    ? "the destination's circuit is open after repeated failures; the message goes when it recovers"
                    : paused.isPresent()
                    ? "the destination answered 429 or 503 and asked us to wait; the message goes then"
                    : "waiting for the destination's rate limit; the message goes within its window");
        }
        HttpStatus status = switch (message.status()) {
            case "sent" -> HttpStatus.OK;
            case "pending" -> tried(message) ? HttpStatus.BAD_GATEWAY : HttpStatus.ACCEPTED;
            default -> HttpStatus.BAD_GATEWAY;
        };
        return ResponseEntity.status(status).body(answer);
    }

    /**
     * An attempt came back and did not succeed: its error is recorded (a rate-limited one too, which is not counted).
     * A counted attempt without an error yet is still in flight (the sender woken by the commit may have it), and
     * the test waits for it rather than calling it refused.
     */
    private static boolean tried(OutboxMessage message) {
        return message.lastError() != null;
    }

    @PostMapping("/api/v1/outbox/{id}/retry")
    OutboxMessage retry(@PathVariable long id) {
        return outbox.retry(id, CurrentActor.get());
    }

    @GetMapping("/api/v1/templates")
    List<Map<String, Object>> templates() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String kind : TocsinConfig.Template.KINDS) {
            out.add(templates.describe(kind, null));
            for (String severity : config.severities().ids()) {
                Map<String, Object> t = templates.describe(kind, severity);
                if (severity.equals(t.get("severity"))) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /**
     * Renders a template for an incident without sending anything. {@code channel} (a channel id) or {@code format}
     * (slack, discord, teams, email, webhook) says whose format; {@code message} stands in for a status update's text.
     */
    @GetMapping("/api/v1/incidents/{id}/messages/preview")
    Map<String, Object> preview(@PathVariable long id, @RequestParam(defaultValue = "update") String kind,
                                @RequestParam(required = false) String channel,
                                @RequestParam(required = false) String format,
                                @RequestParam(required = false) String message) {
        if (!TocsinConfig.Template.KINDS.contains(kind) || "test".equals(kind)) {
            throw new InvalidInputException("kind", "expected one of page, opened, update, resolved, reminder");
        }
        Destinations.Kind target = target(channel, format);
        Incident incident = incidents.get(id);
        Instant now = clock.instant();
        boolean chat = target != Destinations.Kind.EMAIL && target != Destinations.Kind.WEBHOOK;
        Map<String, Object> f = previews.previewFacts(incident, kind, message, chat, now);
        OutboxMessage row = new OutboxMessage(0, "preview", incident.id(), null, target.wire,
                channel == null ? "preview" : Destinations.channelKey(channel), kind, "", "{}", "pending", 0, now, now,
                null, null, null, null);
        Templates.Rendered words = templates.render(kind, incident.severity(), f, Payloads.format(target));
        Payloads.Item item = new Payloads.Item(row, words, f);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", kind);
        out.put("severity", incident.severity());
        out.put("format", target.wire);
        out.put("subject", words.subject());
        out.put("text", words.text());
        if (target == Destinations.Kind.EMAIL) {
            Payloads.Email email = payloads.email(item, templates.render(kind, incident.severity(), f, Templates.Format.HTML));
            out.put("payload", Map.of("subject", email.subject(), "text", email.text(), "html", email.html()));
        } else {
            Destinations.Destination d = new Destinations.Destination("preview", target, "U0PREVIEW", List.of(), null,
                    null, null);
            out.put("payload", json.readTree(payloads.body(d, List.of(item), now)));
        }
        return out;
    }

    private Destinations.Kind target(String channel, String format) {
        if (channel != null) {
            TocsinConfig.Channel c = config.notifications().channel(channel)
                    .orElseThrow(() -> new InvalidInputException("channel", "unknown channel '" + channel + "', expected one of "
                            + config.notifications().channels().stream().map(TocsinConfig.Channel::id).toList()));
            format = c.type().wire();
        }
        String f = format == null ? "slack" : format;
        return switch (f) {
            case "slack" -> Destinations.Kind.SLACK_WEBHOOK;
            case "discord" -> Destinations.Kind.DISCORD;
            case "teams" -> Destinations.Kind.TEAMS;
            case "email" -> Destinations.Kind.EMAIL;
            case "webhook" -> Destinations.Kind.WEBHOOK;
            default -> throw new InvalidInputException("format", "expected one of slack, discord, teams, email, webhook");
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
