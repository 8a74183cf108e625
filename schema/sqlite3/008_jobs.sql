-- mod_planning schema 8 (SQLite): background jobs (model pulls now, analysis
-- runs later). The queue is this table: each httpd child claims a queued job
-- with a conditional UPDATE, holds it by renewing lease_until while it runs,
-- and a job whose lease ran out (its process died) is claimed again.
-- Progress is written to the row, so any process or host can report it.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL
                     CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    payload          TEXT NOT NULL DEFAULT '{}',
    result           TEXT,
    server_id        INTEGER,
    project_id       INTEGER,
    percent          INTEGER NOT NULL DEFAULT 0,
    message          TEXT,
    digest           TEXT,
    completed        INTEGER,
    total            INTEGER,
    error_code       TEXT,
    error            TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    lease_until      TEXT,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    updated_at       TEXT NOT NULL,
    finished_at      TEXT
);
CREATE INDEX jobs_state ON jobs (state, id);
CREATE INDEX jobs_creator ON jobs (created_by, id);
