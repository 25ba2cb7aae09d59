-- The intake looks up a key's open alert at every event, and it needs the alert's incident besides its key and id.
-- With incident_id in alert_key, that look-up reads one leaf of the index and the narrow alert_state row, never the
-- alert's row, whose page is full of payloads (custom details, links, images) and, for an older alert, is seldom still
-- in the page cache (docs/performance.md, "The open alert from its index"). An alert's incident never changes after its
-- insert, and the fourth column does not change the order the look-up reads in.
DROP INDEX alert_key;
CREATE INDEX alert_key ON alert (dedup_key, service_id, id, incident_id);
