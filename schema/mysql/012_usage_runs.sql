-- mod_planning schema 12 (MySQL/MariaDB): model runs outside threads, for
-- /api/v1/usage, and a pull's overall progress (see the SQLite twin).
CREATE TABLE usage_runs (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    source      VARCHAR(16) NOT NULL,
    model       VARCHAR(255) NOT NULL,
    tokens_in   BIGINT NOT NULL DEFAULT 0,
    tokens_out  BIGINT NOT NULL DEFAULT 0,
    total_ns    BIGINT NOT NULL DEFAULT 0,
    created_at  VARCHAR(32) NOT NULL,
    KEY usage_runs_user (user_id, created_at),
    CONSTRAINT usage_runs_source CHECK (source IN ('proxy', 'prompt_test')),
    CONSTRAINT usage_runs_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
ALTER TABLE jobs ADD COLUMN overall_percent INT NOT NULL DEFAULT 0,
    ADD COLUMN overall_completed BIGINT NULL,
    ADD COLUMN overall_total BIGINT NULL;
