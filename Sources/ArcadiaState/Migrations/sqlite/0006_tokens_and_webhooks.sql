-- The controller's API tokens: only a SHA-256 of each token is kept, never the token; `id` is the
-- token's public part, which a request's token names so its row is found without a scan.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'platform_admin')),
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
);

-- Webhook deliveries waiting to go out, and those that went or were given up (kept as history).
-- A receiver that is down costs nothing but retries: the delivery waits here, across restarts.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    last_error TEXT,
    given_up_at TEXT
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (id) WHERE delivered_at IS NULL AND given_up_at IS NULL;
