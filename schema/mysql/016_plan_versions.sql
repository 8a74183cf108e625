-- mod_planning schema 16 (MySQL/MariaDB): every version of a project's plan
-- file (see the SQLite twin). The Markdown is kept as bytes (MEDIUMBLOB):
-- a file edited on disk need not be valid UTF-8, and its hash must hold.
CREATE TABLE plan_versions (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id    BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    author_id     BIGINT NULL,
    message       TEXT NULL,
    restored_from BIGINT NULL,
    markdown      MEDIUMBLOB NOT NULL,
    bytes         BIGINT NOT NULL,
    hash          CHAR(64) NOT NULL,
    created_at    VARCHAR(32) NOT NULL,
    UNIQUE KEY plan_versions_n (project_id, n),
    CONSTRAINT plan_versions_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT plan_versions_author_fk FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
