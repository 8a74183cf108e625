-- mod_planning schema 6 (MySQL/MariaDB): the prompts library (see the SQLite twin).
CREATE TABLE prompts (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    owner_id    BIGINT NULL,
    name        VARCHAR(200) NOT NULL,
    description TEXT NOT NULL,
    body        MEDIUMTEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  VARCHAR(32) NOT NULL,
    updated_at  VARCHAR(32) NOT NULL,
    UNIQUE KEY prompts_owner_name (owner_id, name),
    KEY prompts_name (name, id),
    CONSTRAINT prompts_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE prompt_tags (
    prompt_id BIGINT NOT NULL,
    tag       VARCHAR(50) NOT NULL,
    PRIMARY KEY (prompt_id, tag),
    KEY prompt_tags_tag (tag, prompt_id),
    CONSTRAINT prompt_tags_prompt_fk FOREIGN KEY (prompt_id) REFERENCES prompts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE prompt_versions (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    prompt_id     BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    name          VARCHAR(200) NOT NULL,
    description   TEXT NOT NULL,
    body          MEDIUMTEXT NOT NULL,
    author_id     BIGINT NULL,
    restored_from BIGINT NULL,
    created_at    VARCHAR(32) NOT NULL,
    UNIQUE KEY prompt_versions_version (prompt_id, version),
    CONSTRAINT prompt_versions_prompt_fk FOREIGN KEY (prompt_id) REFERENCES prompts (id) ON DELETE CASCADE,
    CONSTRAINT prompt_versions_author_fk FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
