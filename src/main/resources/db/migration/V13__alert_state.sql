-- An alert's changing part (its status, latest severity and summary, count and times) moves to a table of its own,
-- keyed by the alert and indexed by nothing else.
--
-- H2 carries out an UPDATE by deleting the row from every index of its table and inserting it again, into indexes
-- none of whose columns changed too (Table.updateRows, 2.4.240). A repeat or a resolve changed only the count, the
-- times and the status, yet rewrote the alert's entries in alert_key, alert_service, alert_incident and the foreign
-- key's index: five random pages where one is needed, each copied whole into the next commit together with the store's
-- record of the chunk it came from (docs/performance.md, "What a commit writes"). Here an update touches one narrow row.
CREATE TABLE alert_state (
    alert_id        BIGINT        PRIMARY KEY REFERENCES alert (id),
    status          VARCHAR(20)   NOT NULL,
    severity        VARCHAR(20)   NOT NULL,
    summary         VARCHAR(1024) NOT NULL,
    event_count     INT           NOT NULL,
    last_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    resolved_at     TIMESTAMP WITH TIME ZONE
);
INSERT INTO alert_state (alert_id, status, severity, summary, event_count, last_seen_at, acknowledged_at, resolved_at)
SELECT id, status, severity, summary, event_count, last_seen_at, acknowledged_at, resolved_at FROM alert;
ALTER TABLE alert DROP COLUMN status;
ALTER TABLE alert DROP COLUMN severity;
ALTER TABLE alert DROP COLUMN summary;
ALTER TABLE alert DROP COLUMN event_count;
ALTER TABLE alert DROP COLUMN last_seen_at;
ALTER TABLE alert DROP COLUMN acknowledged_at;
ALTER TABLE alert DROP COLUMN resolved_at;
