-- When the current wait for a response began: the opening, or the last reopening or un-acknowledgement. Response
-- targets count from it (ResponseTargets), and the API's respond_by is it plus the severity's target.
ALTER TABLE incident ADD COLUMN awaiting_response_since TIMESTAMP WITH TIME ZONE;
UPDATE incident SET awaiting_response_since = opened_at;
ALTER TABLE incident ALTER COLUMN awaiting_response_since SET NOT NULL;
