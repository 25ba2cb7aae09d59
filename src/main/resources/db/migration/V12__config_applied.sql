-- The timeline entries that record a configuration being applied. Each start compares its configuration with the
-- last one applied; found by reading the timeline backwards, that took 7.3–7.8 s of a start once the timeline held
-- 848,355 entries (docs/performance.md, "Start-up"), and it grows with the timeline. This finds it by key.
CREATE TABLE config_applied (
    seq BIGINT PRIMARY KEY
);
INSERT INTO config_applied (seq) SELECT seq FROM timeline_event WHERE kind = 'config.applied';
