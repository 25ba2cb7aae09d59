-- Delivery of the outbox. A worker leases the rows it is sending (lease_until, lease_owner) so that another node
-- leaves them alone; a node that dies mid-send loses its lease and the message is sent again, at most once more.
ALTER TABLE outbox_message ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE outbox_message ADD COLUMN lease_owner VARCHAR(200);
-- How many messages went out in the same request (rate-limited destinations batch), and the answer's HTTP status.
ALTER TABLE outbox_message ADD COLUMN batch_size INT;
ALTER TABLE outbox_message ADD COLUMN last_status INT;

-- Stakeholder communication per incident: how many updates and resolutions went out (their messages' idempotency
-- keys count them), when the last update was, and when the next is due by the severity's cadence (seed 003: P0
-- every 15 min). Kept only for incidents that have channels or a cadence.
CREATE TABLE incident_comms (
    incident_id        BIGINT PRIMARY KEY REFERENCES incident (id),
    updates_posted     INT NOT NULL,
    resolutions        INT NOT NULL,
    reminders_sent     INT NOT NULL,
    last_update_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    next_update_due_at TIMESTAMP WITH TIME ZONE
);
