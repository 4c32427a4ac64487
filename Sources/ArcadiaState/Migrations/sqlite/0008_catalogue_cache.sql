-- What DigitalOcean offers (regions, sizes, images) as a plan last read it, as JSON, with when it was
-- read: plans within the hour check specs against it instead of spending three requests. One row.
CREATE TABLE catalogue_cache (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    catalogue TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
