-- mod_planning schema 1 (MySQL/MariaDB): schema_version and projects.
-- Each statement ends with ';' at the end of a line. utf8mb4_bin keeps names
-- case-sensitive as on SQLite; times are RFC 3339 text so both sort alike.
CREATE TABLE IF NOT EXISTS schema_version (
    version    INT NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    applied_at VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE projects (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name           VARCHAR(255) NOT NULL,
    description    TEXT NOT NULL,
    local_path     VARCHAR(4096) NOT NULL,
    repository_url VARCHAR(2048) NULL,
    status         VARCHAR(16) NOT NULL DEFAULT 'active',
    created_at     VARCHAR(32) NOT NULL,
    updated_at     VARCHAR(32) NOT NULL,
    UNIQUE KEY projects_name (name),
    KEY projects_updated (updated_at, id),
    KEY projects_status_updated (status, updated_at, id),
    CONSTRAINT projects_status CHECK (status IN ('active', 'archived'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
