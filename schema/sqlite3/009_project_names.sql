-- mod_planning schema 9 (SQLite): a project's name is unique among its
-- owner's projects, not across the server, so that a duplicate name never
-- tells a user that someone else's private project is called that.
-- SQLite cannot drop a column's UNIQUE, so the table is rebuilt: the other
-- tables keep pointing at "projects" by name, the foreign-key checks wait
-- for the commit (the rows come back with their ids before it), and the one
-- table that would cascade on the drop is saved and put back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE projects_009 AS SELECT * FROM projects;
CREATE TABLE chat_defaults_009 AS SELECT * FROM project_chat_defaults;
CREATE TABLE sequence_009 AS SELECT seq FROM sqlite_sequence WHERE name = 'projects';
DROP TABLE projects;
CREATE TABLE projects (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    local_path     TEXT NOT NULL,
    repository_url TEXT,
    status         TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'archived')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    owner_id       INTEGER REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO projects (id, name, description, local_path, repository_url, status, created_at,
                      updated_at, owner_id)
    SELECT id, name, description, local_path, repository_url, status, created_at, updated_at,
           owner_id FROM projects_009;
INSERT INTO project_chat_defaults SELECT * FROM chat_defaults_009;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sequence_009)
    WHERE name = 'projects' AND seq < (SELECT seq FROM sequence_009);
INSERT INTO sqlite_sequence (name, seq) SELECT 'projects', seq FROM sequence_009
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'projects');
DROP TABLE projects_009;
DROP TABLE chat_defaults_009;
DROP TABLE sequence_009;
CREATE INDEX projects_updated ON projects (updated_at, id);
CREATE INDEX projects_status_updated ON projects (status, updated_at, id);
CREATE UNIQUE INDEX projects_owner_name ON projects (owner_id, name);
