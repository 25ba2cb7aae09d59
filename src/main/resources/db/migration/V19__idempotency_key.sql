-- The Idempotency-Key of a declaration (POST /api/v1/incidents): a client that retries after a timeout sends the same
-- key, and gets the incident its first request made instead of a second one. Keyed by the API key's name, as the key
-- space is each client's own; the body's SHA-256 tells a retry from a different request under the same key. In the
-- database, written in the incident's transaction, so that a retry sent to another node or after a restart finds it.
-- Rows older than a day no longer count and are pruned by the idempotency-keys processor, by created_at.
CREATE TABLE idempotency_key (
    api_key_name   VARCHAR(200) NOT NULL,
    key_value      VARCHAR(255) NOT NULL,
    request_sha256 VARCHAR(64)  NOT NULL,
    incident_id    BIGINT       NOT NULL REFERENCES incident (id),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (api_key_name, key_value)
);
CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at);
