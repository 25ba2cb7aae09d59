-- monitor_pause_span keeps the pauses that ended; the pause in force is monitor_pause's row alone (V25 kept it in
-- both, two records of one fact). A resumption moves the row from monitor_pause to here.
DELETE FROM monitor_pause_span WHERE resumed_at IS NULL;
ALTER TABLE monitor_pause_span ALTER COLUMN resumed_at SET NOT NULL;
