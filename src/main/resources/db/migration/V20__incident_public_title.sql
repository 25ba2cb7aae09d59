-- What the public status page calls an incident, chosen by a person (docs/statuspage.md, "The public title"). Null
-- until someone sets it: the page then shows the title of an incident declared by hand, and a neutral one (the
-- service and its impact) for an incident an alert or a monitor opened, whose title is a machine's summary. It changes
-- after opening, so it sits with the rest of what changes, in incident_state. 200 characters: a headline, and within
-- VARCHAR(200) on both databases, as a Java string of 200 UTF-16 units is never more than 200 characters.
ALTER TABLE incident_state ADD COLUMN public_title VARCHAR(200);
