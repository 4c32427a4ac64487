-- The controller's records. An acceptance through the controller's API that could not be written to
-- the spec file yet (its checkout is git and --git-push is off): the field is settled at the live
-- value, without a revert, until the spec file says so too (or says something else).
CREATE TABLE drift_acceptances (
    drift_id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('accept', 'ignore')),
    spec_value TEXT,
    accepted_value TEXT,
    patch TEXT NOT NULL,
    file TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);

-- Reverts the controller made of one field that kept drifting back: how many in a row, and until
-- when the next is held off (exponential back-off), so it does not fight another tool forever.
CREATE TABLE drift_reverts (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    count BIGINT NOT NULL,
    last_reverted_at TEXT NOT NULL,
    hold_until TEXT NOT NULL,
    PRIMARY KEY (kind, name, field)
);
