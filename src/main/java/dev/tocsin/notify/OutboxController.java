package dev.tocsin.notify;

import java.util.List;
import java.util.Set;

import dev.tocsin.problem.InvalidInputException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The outgoing messages: what was (or will be) sent to whom, newest first. */
@RestController
class OutboxController {

    private static final Set<String> STATUSES = Set.of("pending", "sent", "failed");

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
        return outbox.list(incident, status, before, limit);
    }
}
