-- The last checks of each monitor as JSON, written back with its state, so that every node (and the node that runs
-- it, after a restart) can show them; the node running the monitor keeps more in memory.
ALTER TABLE monitor_state ADD COLUMN recent_checks VARCHAR;
