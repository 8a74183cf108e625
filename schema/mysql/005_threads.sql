-- mod_planning schema 5 (MySQL/MariaDB): chat threads and messages (see the SQLite twin).
CREATE TABLE threads (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    project_id    BIGINT NULL,
    title         VARCHAR(255) NOT NULL DEFAULT '',
    model         VARCHAR(255) NULL,
    system_prompt MEDIUMTEXT NULL,
    options       TEXT NOT NULL,
    pinned        TINYINT NOT NULL DEFAULT 0,
    archived      TINYINT NOT NULL DEFAULT 0,
    leaf_id       BIGINT NULL,
    created_at    VARCHAR(32) NOT NULL,
    updated_at    VARCHAR(32) NOT NULL,
    KEY threads_user (user_id, updated_at),
    CONSTRAINT threads_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT threads_project_fk FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE messages (
    id                BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    thread_id         BIGINT NOT NULL,
    parent_id         BIGINT NULL,
    role              VARCHAR(16) NOT NULL,
    content           MEDIUMTEXT NOT NULL,
    thinking          MEDIUMTEXT NULL,
    state             VARCHAR(16) NOT NULL,
    model             VARCHAR(255) NULL,
    server_id         BIGINT NULL,
    prompt_tokens     BIGINT NULL,
    completion_tokens BIGINT NULL,
    total_ns          BIGINT NULL,
    eval_ns           BIGINT NULL,
    error_code        VARCHAR(32) NULL,
    created_at        VARCHAR(32) NOT NULL,
    updated_at        VARCHAR(32) NOT NULL,
    KEY messages_thread (thread_id, id),
    CONSTRAINT messages_thread_fk FOREIGN KEY (thread_id) REFERENCES threads (id) ON DELETE CASCADE,
    CONSTRAINT messages_role CHECK (role IN ('user', 'assistant')),
    CONSTRAINT messages_state CHECK (state IN ('complete', 'streaming', 'incomplete'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
