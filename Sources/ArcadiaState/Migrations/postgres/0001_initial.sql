-- Arcadia's state, first version (PostgreSQL). Timestamps are ISO 8601 text in UTC; JSON documents are text.
-- The same tables as migrations/sqlite/0001_initial.sql; integers are BIGINT to match Swift's Int.

-- Inventory: what DigitalOcean had at the last sync. Rows are never removed, only marked deleted.
CREATE TABLE resources (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    managed BIGINT NOT NULL,
    attributes TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('present', 'deleted')),
    first_seen_at TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    -- The sync that last saw the row; rows another sync did not see have vanished.
    sync_id TEXT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (kind, id)
);

-- What Arcadia last applied, per resource: the spec as it was, and its version.
CREATE TABLE provisioned (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    spec TEXT NOT NULL,
    spec_version BIGINT NOT NULL,
    applied_at TEXT NOT NULL,
    saga_id TEXT,
    PRIMARY KEY (kind, name)
);

-- Live values that changed outside Arcadia. Resolved rows stay as history.
CREATE TABLE drift (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    field TEXT NOT NULL,
    expected TEXT NOT NULL,
    actual TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'reverted', 'stale')),
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    saga_id TEXT
);
CREATE UNIQUE INDEX drift_one_open_per_field ON drift (kind, name, field) WHERE status = 'open';

-- Per-resource log: drift_detected, saga_step_completed, ...
CREATE TABLE events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    saga_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX events_by_resource ON events (kind, name, id);

CREATE TABLE sagas (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    status TEXT NOT NULL,
    context TEXT NOT NULL,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sagas_by_status ON sagas (status);

CREATE TABLE saga_steps (
    saga_id TEXT NOT NULL REFERENCES sagas (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    error TEXT,
    started_at TEXT,
    finished_at TEXT,
    PRIMARY KEY (saga_id, position)
);
