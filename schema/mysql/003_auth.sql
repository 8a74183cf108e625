-- mod_planning schema 3 (MySQL/MariaDB): users, sessions (refresh tokens),
-- API keys, project membership and ownership, per-user settings, audit.
CREATE TABLE users (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64) NOT NULL,
    password_hash VARCHAR(255) NULL,
    role          VARCHAR(16) NOT NULL,
    status        VARCHAR(16) NOT NULL DEFAULT 'active',
    source        VARCHAR(16) NOT NULL DEFAULT 'local',
    token_version BIGINT NOT NULL DEFAULT 1,
    created_at    VARCHAR(32) NOT NULL,
    updated_at    VARCHAR(32) NOT NULL,
    last_login_at VARCHAR(32) NULL,
    UNIQUE KEY users_username (username),
    CONSTRAINT users_role CHECK (role IN ('viewer', 'developer', 'admin')),
    CONSTRAINT users_status CHECK (status IN ('active', 'disabled')),
    CONSTRAINT users_source CHECK (source IN ('local', 'apache'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    family_id   BIGINT NOT NULL,
    token_hash  CHAR(64) NOT NULL,
    created_at  VARCHAR(32) NOT NULL,
    expires_at  VARCHAR(32) NOT NULL,
    revoked_at  VARCHAR(32) NULL,
    KEY sessions_user (user_id),
    KEY sessions_family (family_id),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE api_keys (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    name         VARCHAR(255) NOT NULL,
    secret_hash  CHAR(64) NOT NULL,
    scopes       VARCHAR(64) NOT NULL,
    project_id   BIGINT NULL,
    created_at   VARCHAR(32) NOT NULL,
    expires_at   VARCHAR(32) NULL,
    last_used_at VARCHAR(32) NULL,
    revoked_at   VARCHAR(32) NULL,
    KEY api_keys_user (user_id),
    CONSTRAINT api_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_project_fk FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE projects ADD COLUMN owner_id BIGINT NULL,
    ADD CONSTRAINT projects_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL;

CREATE TABLE project_members (
    project_id BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    role       VARCHAR(16) NOT NULL,
    created_at VARCHAR(32) NOT NULL,
    PRIMARY KEY (project_id, user_id),
    KEY project_members_user (user_id),
    CONSTRAINT project_members_role CHECK (role IN ('viewer', 'developer', 'admin')),
    CONSTRAINT project_members_project_fk FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT project_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_settings (
    user_id    BIGINT NOT NULL PRIMARY KEY,
    settings   TEXT NOT NULL,
    updated_at VARCHAR(32) NOT NULL,
    CONSTRAINT user_settings_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE audit (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at          VARCHAR(32) NOT NULL,
    actor_id    BIGINT NULL,
    actor       VARCHAR(64) NULL,
    action      VARCHAR(64) NOT NULL,
    target_type VARCHAR(32) NULL,
    target_id   VARCHAR(64) NULL,
    client_ip   VARCHAR(64) NULL,
    outcome     VARCHAR(16) NOT NULL,
    details     TEXT NULL,
    KEY audit_at (at, id),
    KEY audit_action (action, at),
    CONSTRAINT audit_outcome CHECK (outcome IN ('success', 'failure'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO revisions (name, revision) VALUES ('users', 0);
