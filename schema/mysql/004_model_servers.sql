-- mod_planning schema 4 (MySQL/MariaDB): model servers (see the SQLite twin).
CREATE TABLE model_servers (
    id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    base_url   VARCHAR(2048) NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    api_key    VARCHAR(4096) NULL,
    priority   INT NOT NULL DEFAULT 100,
    enabled    TINYINT NOT NULL DEFAULT 1,
    created_at VARCHAR(32) NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    UNIQUE KEY model_servers_name (name),
    CONSTRAINT model_servers_kind CHECK (kind IN ('ollama', 'openai'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
