-- Alert ids are assigned by the transaction that inserts the alert, which holds the timeline lock
-- (AlertRepository.insert), as incident numbers are since V5. The open alert of a key is its newest, so ids must follow
-- the order alerts are inserted in on every node. The identity's sequence did not keep that order on PostgreSQL: with
-- its cache of 1,000 (V1), each connection took a block of its own, and a key resolved on one connection and triggered
-- again on another could get a lower id than its resolved alert, after which every repeat opened another alert
-- (TwoNodesTest). Without a sequence H2 also no longer writes one.
ALTER TABLE alert ALTER COLUMN id DROP IDENTITY;
