-- The status page and a service's page read the incidents resolved in the last 90 days. With status alone in the
-- index, that read walked every resolved incident ever (49,700 of 50,000 after a year) to keep the 90 days' 12,000;
-- with resolved_at after status, the read is a range of the index. It replaces the index on status rather than adding
-- one: every read of a status is still a prefix of it, an incident's state row keeps the same two indexes, and
-- resolved_at changes only with the status, so no write touches this index that did not touch the one before
-- (docs/performance.md, "What a commit writes" and "Reads on a large database").
DROP INDEX incident_state_status;
CREATE INDEX incident_state_status ON incident_state (status, resolved_at);
