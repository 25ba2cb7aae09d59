package dev.tocsin.notify;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.text.Sha256;
import dev.tocsin.text.SqlText;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every outgoing message is a row first, written in the transaction of the change it reports; {@link Delivery}
 * sends it once that transaction commits. A message whose idempotency key was already enqueued is not enqueued again.
 */
@Service
public class Outbox {

    /**
     * A message to enqueue. {@code channel} is the kind of destination (email, slack, discord, teams, webhook),
     * {@code destination} a reference to it ({@code channel:<id>}, {@code user:<user>:<contact method>}),
     * {@code purpose} the template kind ("page", "opened", "update"…), {@code body} the facts the template renders.
     */
    public record NewMessage(String idempotencyKey, Long incidentId, String userId, String channel, String destination,
                             String purpose, String subject, Map<String, Object> body) {

        /** The columns' sizes (V2): a subject is cut, a key too long is shortened the same way every time. */
        static final int MAX_SUBJECT = 1024;
        static final int MAX_KEY = 200;

        public NewMessage {
            // A title may be 1,024 characters, and "Update due: " + title would not fit: cut rather than fail the
            // transaction (and the timer that sends the reminder, at every retry).
            subject = SqlText.abbreviate(subject, MAX_SUBJECT);
            if (idempotencyKey != null && idempotencyKey.length() > MAX_KEY) {
                String digest = Sha256.hex(idempotencyKey);
                idempotencyKey = idempotencyKey.substring(0, MAX_KEY - digest.length() - 1) + "~" + digest;
            }
        }
    }

    private final OutboxRepository repository;
    private final Delivery delivery;
    private final Timeline timeline;
    private final JsonMapper json;
    private final Clock clock;

    Outbox(OutboxRepository repository, Delivery delivery, Timeline timeline, JsonMapper json, Clock clock) {
        this.repository = repository;
        this.delivery = delivery;
        this.timeline = timeline;
        this.json = json;
        this.clock = clock;
    }

    /** The destination reference of a user's contact method, as {@link NewMessage#destination()} takes it. */
    public static String userDestination(String userId, String contactMethodId) {
        return Destinations.userKey(userId, contactMethodId);
    }

    /** Enqueues the message unless its idempotency key was enqueued before; true if it was enqueued now. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean enqueue(NewMessage message) {
        if (repository.exists(message.idempotencyKey())) {
            return false;
        }
        repository.insert(message, json.writeValueAsString(message.body()), clock.instant());
        wakeDeliveryAfterCommit();
        return true;
    }

    @Transactional(readOnly = true)
    public List<OutboxMessage> list(Long incidentId, String status, Long before, int limit) {
        return repository.list(incidentId, status, before, limit);
    }

    @Transactional(readOnly = true)
    public Optional<OutboxMessage> find(long id) {
        return repository.find(id);
    }

    @Transactional(readOnly = true)
    public Optional<OutboxMessage> findByKey(String idempotencyKey) {
        return repository.findByKey(idempotencyKey);
    }

    /** A failed message goes out again, as if new; the incident's timeline says who asked. */
    @Transactional
    public OutboxMessage retry(long id, Actor actor) {
        timeline.lock(); // the head before the row, as every writer takes them
        OutboxMessage m = repository.find(id).orElseThrow(() -> new NotFoundException("message " + id + " does not exist"));
        // The update says whether it was still failed: of two people pressing Retry at once, one retries it.
        if (!"failed".equals(m.status()) || !repository.requeue(id, clock.instant())) {
            throw new ConflictException("message " + id + " is " + m.status() + "; only a failed message can be retried");
        }
        if (m.incidentId() != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("message_id", id);
            data.put("kind", m.purpose());
            data.put("destination", m.destination());
            data.put("previous_error", m.lastError());
            timeline.append(new NewEvent("notification.retried", actor, m.incidentId(), null, null, data));
        }
        wakeDeliveryAfterCommit();
        return repository.find(id).orElseThrow();
    }

    private void wakeDeliveryAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    delivery.wake();
                }
            });
        } else {
            delivery.wake();
        }
    }
}
