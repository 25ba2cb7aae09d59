package dev.tocsin.incident;

import java.time.Instant;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The Idempotency-Keys of declarations and the incident each made (V19). */
@Repository
class IdempotencyKeyRepository {

    /** What a key was first sent with: the SHA-256 of the declaration, and the incident it made. */
    record Used(String requestSha256, long incidentId) {
    }

    private final JdbcClient jdbc;

    IdempotencyKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The key's use since {@code since}; an older one is removed, so that the key can be used again. */
    Optional<Used> usedSince(IdempotencyKey key, Instant since) {
        jdbc.sql("DELETE FROM idempotency_key WHERE api_key_name = :owner AND key_value = :key AND created_at < :since")
                .param("owner", key.apiKeyName()).param("key", key.value()).param("since", SqlTime.param(since)).update();
        return jdbc.sql("""
                SELECT request_sha256, incident_id FROM idempotency_key WHERE api_key_name = :owner AND key_value = :key""")
                .param("owner", key.apiKeyName()).param("key", key.value())
                .query((rs, row) -> new Used(rs.getString("request_sha256"), rs.getLong("incident_id"))).optional();
    }

    void insert(IdempotencyKey key, String requestSha256, long incidentId, Instant at) {
        jdbc.sql("""
                INSERT INTO idempotency_key (api_key_name, key_value, request_sha256, incident_id, created_at)
                VALUES (:owner, :key, :sha, :incident, :at)""")
                .param("owner", key.apiKeyName()).param("key", key.value()).param("sha", requestSha256)
                .param("incident", incidentId).param("at", SqlTime.param(at)).update();
    }

    /** Removes the keys used before {@code before}; returns how many. */
    int pruneBefore(Instant before) {
        return jdbc.sql("DELETE FROM idempotency_key WHERE created_at < :before")
                .param("before", SqlTime.param(before)).update();
    }
}
