-- One index finds an alert by its key, instead of two that every trigger and every resolve rewrote
-- (alert_open_key, alert_dedup): at intake rates each index an event touches is one more random page that the
-- group commit writes out, and the commit's page writes were most of the writer's time.
--
-- "One open alert per key" no longer needs the unique index on open_dedup_key: every writer of alerts takes the
-- timeline head's row lock first, so on any number of nodes the check for an open alert and the insert of a new
-- one are serialised. The open alert, if any, is the newest alert of its key: a trigger only inserts when
-- the newest is resolved. It is found by reading the index backwards (dedup_key, service_id, id DESC), one row.
CREATE INDEX alert_key ON alert (dedup_key, service_id, id);
CREATE INDEX alert_service ON alert (service_id, id);
DROP INDEX alert_open_key;
DROP INDEX alert_dedup;
ALTER TABLE alert DROP COLUMN open_dedup_key;
