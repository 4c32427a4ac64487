-- The drift inbox's actions: a record is also closed `ignored`, remembers when it was last seen, who
-- resolved it and what DigitalOcean action caused it; every event names its actor. SQLite cannot
-- change a CHECK, so the table is rebuilt.
CREATE TABLE drift_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    field TEXT NOT NULL,
    expected TEXT NOT NULL,
    actual TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'reverted', 'stale', 'ignored')),
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    saga_id TEXT,
    last_seen_at TEXT,
    resolved_by TEXT,
    cause TEXT
);
INSERT INTO drift_new (id, kind, name, resource_id, field, expected, actual, status, detected_at, resolved_at, saga_id, last_seen_at)
    SELECT id, kind, name, resource_id, field, expected, actual, status, detected_at, resolved_at, saga_id, detected_at FROM drift;
DROP TABLE drift;
ALTER TABLE drift_new RENAME TO drift;
CREATE UNIQUE INDEX drift_one_open_per_field ON drift (kind, name, field) WHERE status = 'open';
ALTER TABLE events ADD COLUMN actor TEXT;
