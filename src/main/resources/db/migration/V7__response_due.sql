-- Response targets: each incident carries the time it must be acknowledged by, and one indexed query per tick
-- finds the due ones (ResponseTargets), instead of a db-scheduler timer per incident. At intake rates those timers
-- were a row with four indexes at every open and, a target later, hundreds of separate firings a second.
ALTER TABLE incident ADD COLUMN response_due_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX incident_response_due ON incident (response_due_at);

-- Timers set before this version: the incidents they watch get a due time at the next start
-- (ResponseTargets.carryOver): it is computed from the severity scale, which SQL cannot read.
DELETE FROM scheduled_tasks WHERE task_name = 'response-target';
