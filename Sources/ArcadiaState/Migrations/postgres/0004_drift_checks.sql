-- When drift was last checked (an inventory sync and diff, by plan, apply or drift list --refresh), so
-- `arcadia drift list` can say how old its answer is. One row.
CREATE TABLE drift_checks (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
