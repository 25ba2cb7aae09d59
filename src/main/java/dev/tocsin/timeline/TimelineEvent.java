package dev.tocsin.timeline;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/** One entry of the ledger as stored: its place in the chain, what happened and the hash that seals it. */
public record TimelineEvent(long seq, Instant occurredAt, String kind, String actor, Long incidentId,
                            Long alertId, String serviceId, JsonNode data, String prevHash, String hash) {
}
