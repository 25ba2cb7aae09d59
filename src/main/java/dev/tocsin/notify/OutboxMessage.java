package dev.tocsin.notify;

import java.time.Instant;

/** A stored outgoing message and where its delivery stands. {@code body} is the message's JSON document. */
public record OutboxMessage(long id, String idempotencyKey, Long incidentId, String userId, String channel,
                            String destination, String purpose, String subject, String body, String status,
                            int attempts, Instant createdAt, Instant nextAttemptAt, Instant sentAt, String lastError) {
}
