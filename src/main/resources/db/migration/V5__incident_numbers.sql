-- Incident numbers are assigned by the transaction that opens the incident, which holds the timeline lock
-- (IncidentRepository.insert): consecutive on H2 and PostgreSQL alike, never reserved in blocks per connection,
-- and no sequence write per incident (on H2 an identity flushes its sequence, one more commit, every 32 values).
ALTER TABLE incident ALTER COLUMN id DROP IDENTITY;
