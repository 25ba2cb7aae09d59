-- Snoozing an acknowledged incident (PagerDuty's snooze): it is un-acknowledged when the snooze ends, unless it moved
-- on meanwhile. Any status change clears it; the timer that ends it checks it still holds.
ALTER TABLE incident ADD COLUMN snoozed_until TIMESTAMP WITH TIME ZONE;
