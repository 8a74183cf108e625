-- mod_planning schema 2 (MySQL/MariaDB): a revision per resource, raised in
-- the same transaction as every write (see the SQLite twin).
CREATE TABLE revisions (
    name     VARCHAR(64) NOT NULL PRIMARY KEY,
    revision BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO revisions (name, revision) VALUES ('projects', 0);
