-- An incident's changing part (status, severity, times, roles, impact, response due time) moves to a table of its own,
-- as the alert's did in V13: H2 rewrites a row's entry in every index of its table on any UPDATE, so resolving an
-- incident rewrote its entries in incident_service, incident_opened and the foreign key's index too, none of which
-- changed (docs/performance.md, "What a commit writes"). incident keeps what an incident is opened with and the indexes
-- that find it by service and time; incident_state has the two indexes that read what changes.
CREATE TABLE incident_state (
    incident_id                 BIGINT        PRIMARY KEY REFERENCES incident (id),
    severity                    VARCHAR(40)   NOT NULL,
    status                      VARCHAR(20)   NOT NULL,
    acknowledged_at             TIMESTAMP WITH TIME ZONE,
    resolved_at                 TIMESTAMP WITH TIME ZONE,
    updated_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    commander                   VARCHAR(100),
    technical_lead              VARCHAR(100),
    communications_lead         VARCHAR(100),
    users_affected              BIGINT,
    services_affected           VARCHAR(2000),
    data_loss                   BOOLEAN,
    financial_impact            VARCHAR(500),
    resolution                  VARCHAR(10000),
    awaiting_response_since     TIMESTAMP WITH TIME ZONE NOT NULL,
    response_due_at             TIMESTAMP WITH TIME ZONE,
    response_target_breached_at TIMESTAMP WITH TIME ZONE,
    snoozed_until               TIMESTAMP WITH TIME ZONE
);
INSERT INTO incident_state (incident_id, severity, status, acknowledged_at, resolved_at, updated_at, commander,
    technical_lead, communications_lead, users_affected, services_affected, data_loss, financial_impact, resolution,
    awaiting_response_since, response_due_at, response_target_breached_at, snoozed_until)
SELECT id, severity, status, acknowledged_at, resolved_at, updated_at, commander, technical_lead, communications_lead,
    users_affected, services_affected, data_loss, financial_impact, resolution, awaiting_response_since, response_due_at,
    response_target_breached_at, snoozed_until
FROM incident;
CREATE INDEX incident_state_status ON incident_state (status);
CREATE INDEX incident_state_response_due ON incident_state (response_due_at);

DROP INDEX incident_status;
DROP INDEX incident_response_due;
ALTER TABLE incident DROP COLUMN severity;
ALTER TABLE incident DROP COLUMN status;
ALTER TABLE incident DROP COLUMN acknowledged_at;
ALTER TABLE incident DROP COLUMN resolved_at;
ALTER TABLE incident DROP COLUMN updated_at;
ALTER TABLE incident DROP COLUMN commander;
ALTER TABLE incident DROP COLUMN technical_lead;
ALTER TABLE incident DROP COLUMN communications_lead;
ALTER TABLE incident DROP COLUMN users_affected;
ALTER TABLE incident DROP COLUMN services_affected;
ALTER TABLE incident DROP COLUMN data_loss;
ALTER TABLE incident DROP COLUMN financial_impact;
ALTER TABLE incident DROP COLUMN resolution;
ALTER TABLE incident DROP COLUMN awaiting_response_since;
ALTER TABLE incident DROP COLUMN response_due_at;
ALTER TABLE incident DROP COLUMN response_target_breached_at;
ALTER TABLE incident DROP COLUMN snoozed_until;
