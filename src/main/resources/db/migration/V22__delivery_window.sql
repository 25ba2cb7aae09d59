-- A destination's rate-limit window and Retry-After, shared by every node: counted per node, N nodes sent N times a
-- provider's limit, and a 429 held back only the message it answered. A row appears when a destination with a rate
-- limit is first sent to, or when a destination first answers 429.
-- sends: the requests of the last window, as epoch milliseconds of the database's clock (one clock for all nodes),
-- comma-separated, oldest first. paused_until: nothing is sent there before then (the nodes' clocks, as
-- outbox_message.next_attempt_at).
CREATE TABLE delivery_window (
    destination  VARCHAR(2000) PRIMARY KEY,
    sends        VARCHAR       NOT NULL,
    paused_until TIMESTAMP WITH TIME ZONE
);
