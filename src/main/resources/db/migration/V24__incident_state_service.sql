-- A service's page lists the service's open incidents and its last 90 days' resolutions. The service was only on
-- incident and the status and resolution time only on incident_state, so no index held both: PostgreSQL read either
-- every incident in the 90 days of every service, or every incident the service ever had, or (its generic plan,
-- ORDER BY id with a LIMIT) every incident newer than the ones it looked for (docs/performance.md, "Reads on a large
-- database"). The service, written once when an incident opens and never changed, now sits in incident_state too, at
-- the end of the status index: a read of one service's incidents by status, or resolved since a time, fetches only
-- that service's rows, and the status page's range over (status, resolved_at) is unchanged. The index replaces the
-- one of V18 rather than adding one: an incident's state row keeps its two secondary indexes, and no update touches
-- this one that did not touch the one before (docs/performance.md, "What a commit writes").
ALTER TABLE incident_state ADD COLUMN service_id VARCHAR(100);
UPDATE incident_state SET service_id = (SELECT i.service_id FROM incident i WHERE i.id = incident_state.incident_id);
ALTER TABLE incident_state ALTER COLUMN service_id SET NOT NULL;
DROP INDEX incident_state_status;
CREATE INDEX incident_state_status ON incident_state (status, resolved_at, service_id);
