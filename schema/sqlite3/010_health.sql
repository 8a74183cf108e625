-- mod_planning schema 10 (SQLite): one row that GET /api/v1/health writes,
-- so that a database that refuses writes (a full disk, a lock held for
-- long) is reported as degraded rather than "ok".
CREATE TABLE health (
    id         INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL
);
INSERT INTO health (id, checked_at) VALUES (1, '1970-01-01T00:00:00Z');
