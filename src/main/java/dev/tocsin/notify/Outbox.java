package dev.tocsin.notify;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every outgoing message is a row first, written in the transaction of the change it reports; delivery workers
 * send it afterwards. A message whose idempotency key was already enqueued is not enqueued again.
 */
@Service
public class Outbox {

    /**
     * A message to enqueue. {@code channel} is the contact type (email, slack, discord, webhook), {@code destination}
     * its address, {@code purpose} why it is sent ("page"), {@code body} the facts a template renders.
     */
    public record NewMessage(String idempotencyKey, Long incidentId, String userId, String channel, String destination,
                             String purpose, String subject, Map<String, Object> body) {
    }

    private final OutboxRepository repository;
    private final JsonMapper json;
    private final Clock clock;

    Outbox(OutboxRepository repository, JsonMapper json, Clock clock) {
        this.repository = repository;
        this.json = json;
        this.clock = clock;
    }

    /** Enqueues the message unless its idempotency key was enqueued before; true if it was enqueued now. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean enqueue(NewMessage message) {
        if (repository.exists(message.idempotencyKey())) {
            return false;
        }
        repository.insert(message, json.writeValueAsString(message.body()), clock.instant());
        return true;
    }

    @Transactional(readOnly = true)
    public List<OutboxMessage> list(Long incidentId, String status, Long before, int limit) {
        return repository.list(incidentId, status, before, limit);
    }
}
