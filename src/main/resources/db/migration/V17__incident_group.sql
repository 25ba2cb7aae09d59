-- The incident an Alertmanager notification group opened, by service and a hash of the group's key: the group's
-- other alerts join that incident while it is open instead of each opening (and paging for) one of its own. A table of
-- its own rather than a column of incident, so that incidents opened by other intakes write nothing more
-- (docs/performance.md, "What a commit writes"). One row per group, pointing at the group's newest incident.
CREATE TABLE incident_group (
    service_id  VARCHAR(100) NOT NULL,
    group_key   VARCHAR(64)  NOT NULL,
    incident_id BIGINT       NOT NULL REFERENCES incident (id),
    PRIMARY KEY (service_id, group_key)
);
