-- mod_planning schema 2 (SQLite): a revision per resource, raised in the same
-- transaction as every write, so readers (and caches in every httpd child and
-- host) can tell cheaply whether what they rendered is still current.
CREATE TABLE revisions (
    name     TEXT PRIMARY KEY,
    revision INTEGER NOT NULL DEFAULT 0
);

INSERT INTO revisions (name, revision) VALUES ('projects', 0);
