-- mod_planning schema 1 (SQLite): schema_version and projects.
-- Each statement ends with ';' at the end of a line; `planning migrate` applies
-- the file in one transaction and records it in schema_version.
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- AUTOINCREMENT: an id is never reused, even after the newest row goes.
CREATE TABLE projects (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL UNIQUE,
    description    TEXT NOT NULL DEFAULT '',
    local_path     TEXT NOT NULL,
    repository_url TEXT,
    status         TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'archived')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX projects_updated ON projects (updated_at, id);
CREATE INDEX projects_status_updated ON projects (status, updated_at, id);
