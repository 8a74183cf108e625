-- mod_planning schema 7 (MySQL/MariaDB): full-text search, per-project chat
-- defaults, and title_auto (see the SQLite twin).
--
-- FULLTEXT indexes index the existing rows as they are built. Title and
-- content move to a case- and accent-insensitive collation: under
-- utf8mb4_bin a FULLTEXT search is case-sensitive, unlike SQLite's
-- unicode61 tokenizer with remove_diacritics. InnoDB builds one FULLTEXT
-- index per ALTER.
ALTER TABLE threads
    ADD COLUMN title_auto TINYINT NOT NULL DEFAULT 0,
    MODIFY title VARCHAR(255) NOT NULL DEFAULT '' COLLATE utf8mb4_unicode_ci;
UPDATE threads SET title_auto = 1 WHERE title = '';
ALTER TABLE threads ADD FULLTEXT INDEX threads_title_ft (title);

ALTER TABLE messages
    MODIFY content MEDIUMTEXT NOT NULL COLLATE utf8mb4_unicode_ci,
    ADD KEY messages_parent (thread_id, parent_id);
ALTER TABLE messages ADD FULLTEXT INDEX messages_content_ft (content);

CREATE TABLE project_chat_defaults (
    project_id    BIGINT NOT NULL PRIMARY KEY,
    server_id     BIGINT NULL,
    model         VARCHAR(255) NULL,
    temperature   DOUBLE NULL,
    system_prompt MEDIUMTEXT NULL,
    updated_at    VARCHAR(32) NOT NULL,
    CONSTRAINT chat_defaults_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT chat_defaults_server_fk FOREIGN KEY (server_id) REFERENCES model_servers (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
