-- mod_planning schema 10 (MySQL/MariaDB): one row that GET /api/v1/health
-- writes, so that a database that refuses writes is reported as degraded.
CREATE TABLE health (
    id         BIGINT NOT NULL PRIMARY KEY,
    checked_at VARCHAR(40) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO health (id, checked_at) VALUES (1, '1970-01-01T00:00:00Z');
