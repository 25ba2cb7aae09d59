package dev.tocsin.notify;

import java.time.Instant;

/**
 * A stored outgoing message and where its delivery stands. {@code destination} is a reference
 * ({@code channel:<id>} or {@code user:<user>:<contact method>}), never an address; {@code body} is the JSON of the
 * facts its template renders; {@code batchSize} is how many messages shared the request that delivered it.
 */
public record OutboxMessage(long id, String idempotencyKey, Long incidentId, String userId, String channel,
                            String destination, String purpose, String subject, String body, String status,
                            int attempts, Instant createdAt, Instant nextAttemptAt, Instant sentAt, String lastError,
                            Integer lastStatus, Integer batchSize) {
}
