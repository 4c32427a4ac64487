-- The drift inbox's actions: a record is also closed `ignored`, remembers when it was last seen, who
-- resolved it and what DigitalOcean action caused it; every event names its actor.
ALTER TABLE drift DROP CONSTRAINT drift_status_check;
ALTER TABLE drift ADD CONSTRAINT drift_status_check CHECK (status IN ('open', 'accepted', 'reverted', 'stale', 'ignored'));
ALTER TABLE drift ADD COLUMN last_seen_at TEXT;
ALTER TABLE drift ADD COLUMN resolved_by TEXT;
ALTER TABLE drift ADD COLUMN cause TEXT;
UPDATE drift SET last_seen_at = detected_at;
ALTER TABLE events ADD COLUMN actor TEXT;
