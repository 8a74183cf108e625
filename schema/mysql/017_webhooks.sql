-- mod_planning schema 17 (MySQL/MariaDB): webhooks (see the SQLite twin
-- for the why of each table).
CREATE TABLE webhook_secrets (
    project_id          BIGINT NOT NULL PRIMARY KEY,
    sealed              VARCHAR(512) NOT NULL,
    created_at          VARCHAR(32) NOT NULL,
    CONSTRAINT webhook_secrets_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE webhook_deliveries (
    id                  BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id          BIGINT NOT NULL,
    provider            VARCHAR(16) NOT NULL,
    event               VARCHAR(128) NULL,
    delivery_id         VARCHAR(128) NULL,
    first_delivery      VARCHAR(128) NULL,
    received_at         VARCHAR(32) NOT NULL,
    outcome             VARCHAR(32) NOT NULL,
    detail              VARCHAR(512) NULL,
    analysis_id         BIGINT NULL,
    UNIQUE KEY webhook_deliveries_first (project_id, provider, first_delivery),
    KEY webhook_deliveries_project (project_id, id),
    CONSTRAINT webhook_deliveries_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
