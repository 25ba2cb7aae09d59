-- A monitor paused by hand (a target being rebuilt, a noisy check): no node runs it until it is resumed. Kept apart
-- from monitor_state, which is the engine's to write, and keyed by the monitor's id alone so that a monitor of the
-- configuration file can be paused too; a row whose monitor is no longer defined is deleted, so a monitor added back
-- later starts unpaused.
CREATE TABLE monitor_pause (
    monitor_id VARCHAR(100) PRIMARY KEY,
    paused_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    paused_by  VARCHAR(200) NOT NULL
);
