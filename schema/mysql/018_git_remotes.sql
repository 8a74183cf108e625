-- mod_planning schema 18 (MySQL/MariaDB): git's network side (see the
-- SQLite twin for the why of each table).
CREATE TABLE git_remotes (
    project_id          BIGINT NOT NULL PRIMARY KEY,
    url                 VARCHAR(2048) NOT NULL,
    branch              VARCHAR(255) NULL,
    username            VARCHAR(255) NULL,
    token_sealed        VARCHAR(2048) NULL,
    updated_at          VARCHAR(32) NOT NULL,
    CONSTRAINT git_remotes_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE git_deploy_keys (
    project_id          BIGINT NOT NULL PRIMARY KEY,
    public_key          VARCHAR(512) NOT NULL,
    fingerprint         VARCHAR(128) NOT NULL,
    private_sealed      TEXT NOT NULL,
    created_at          VARCHAR(32) NOT NULL,
    CONSTRAINT git_deploy_keys_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE git_host_keys (
    project_id          BIGINT NOT NULL,
    host                VARCHAR(255) NOT NULL,
    key_type            VARCHAR(32) NOT NULL,
    fingerprint         VARCHAR(128) NOT NULL,
    state               VARCHAR(16) NOT NULL,
    seen_at             VARCHAR(32) NOT NULL,
    confirmed_at        VARCHAR(32) NULL,
    PRIMARY KEY (project_id, host),
    CONSTRAINT git_host_keys_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
