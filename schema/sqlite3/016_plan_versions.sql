-- mod_planning schema 16 (SQLite): every version of a project's plan file
-- (MASTER_PLAN.md in its checkout). A save through the API is a version
-- with its author and message; a change made on disk outside the API is
-- found when the plan is read through the API or an analysis starts, and
-- recorded with no author. n counts per project from 1; hash is the
-- SHA-256 of the file's bytes (the plan's ETag), so a file unchanged since
-- the newest version is never recorded twice.
CREATE TABLE plan_versions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    n             INTEGER NOT NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    message       TEXT,
    restored_from INTEGER,
    markdown      TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (project_id, n)
);
