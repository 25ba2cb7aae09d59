package dev.tocsin.notify;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.auth.Scope;
import dev.tocsin.problem.InvalidInputException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The outgoing messages: what was (or will be) sent to whom, newest first. */
@RestController
class OutboxController {

    private static final Set<String> STATUSES = Set.of("pending", "sent", "failed");
    private static final Pattern ACK_TOKEN = Pattern.compile("/ack/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final Outbox outbox;

    OutboxController(Outbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/api/v1/outbox")
    List<OutboxMessage> list(@RequestParam(required = false) Long incident, @RequestParam(required = false) String status,
                             @RequestParam(required = false) Long before, @RequestParam(defaultValue = "100") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidInputException("status", "expected one of pending, sent, failed");
        }
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("limit", "between 1 and 1000");
        }
        List<OutboxMessage> messages = outbox.list(incident, status, before, limit);
        return CurrentActor.has(Scope.WRITE) ? messages : messages.stream().map(OutboxController::withoutAckLinks).toList();
    }

    /**
     * An acknowledge link in a message is a capability: whoever holds it acknowledges as the paged user or channel.
     * A read-only key sees that a link was sent, not the link.
     */
    private static OutboxMessage withoutAckLinks(OutboxMessage m) {
        String body = ACK_TOKEN.matcher(m.body()).replaceAll("/ack/(hidden from read-only keys)");
        return new OutboxMessage(m.id(), m.idempotencyKey(), m.incidentId(), m.userId(), m.channel(), m.destination(),
                m.purpose(), m.subject(), body, m.status(), m.attempts(), m.createdAt(), m.nextAttemptAt(), m.sentAt(),
                m.lastError(), m.lastStatus(), m.batchSize());
    }
}
