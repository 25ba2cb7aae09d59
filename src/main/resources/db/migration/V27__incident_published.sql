-- A person's choice about the public status page for one incident (docs/statuspage.md, "What is published"): TRUE
-- published, FALSE hidden, whatever status_page.publish says; NULL until someone chooses, and again when they hand it
-- back to the rule. It changes after opening (a false alarm is hidden after the fact), so it sits in incident_state.
ALTER TABLE incident_state ADD COLUMN published BOOLEAN;
