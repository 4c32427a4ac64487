-- Workers claim a saga with a lease (owner, expiry, heartbeat) before running it; an operator can
-- ask for a saga to be cancelled, which its worker does at the next step boundary.
ALTER TABLE sagas ADD COLUMN owner TEXT;
ALTER TABLE sagas ADD COLUMN lease_expires_at TEXT;
ALTER TABLE sagas ADD COLUMN heartbeat_at TEXT;
ALTER TABLE sagas ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;

-- Who holds a named lock (the apply lock) and since when, for the message a second holder sees.
-- The lock itself is the engine's: a file lock for SQLite, an advisory lock for PostgreSQL.
CREATE TABLE arcadia_locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    since TEXT NOT NULL
);
