-- No query reads the timeline by service (a service's history is read through its incidents and alerts), yet every
-- entry wrote this index: at intake rates, one more B-tree insert for each of the ~2 entries an event appends.
DROP INDEX timeline_event_service;
