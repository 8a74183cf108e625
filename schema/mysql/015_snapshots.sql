-- mod_planning schema 15 (MySQL/MariaDB): progress over time and scheduled
-- analyses (see the SQLite twin for the why of each table).
CREATE TABLE analysis_levels (
    analysis_id         BIGINT NOT NULL,
    level               VARCHAR(64) NOT NULL,
    objectives          INT NOT NULL DEFAULT 0,
    done                INT NOT NULL DEFAULT 0,
    partial             INT NOT NULL DEFAULT 0,
    missing             INT NOT NULL DEFAULT 0,
    PRIMARY KEY (analysis_id, level),
    CONSTRAINT analysis_levels_fk FOREIGN KEY (analysis_id) REFERENCES analyses (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE analyses ADD COLUMN input_hash VARCHAR(64) NULL;

CREATE TABLE project_snapshot_settings (
    project_id          BIGINT NOT NULL PRIMARY KEY,
    interval_minutes    INT NULL,
    public_badge        TINYINT NOT NULL DEFAULT 0,
    next_check_at       BIGINT NOT NULL DEFAULT 0,
    last_check_at       VARCHAR(32) NULL,
    last_outcome        VARCHAR(16) NULL,
    last_analysis_id    BIGINT NULL,
    updated_at          VARCHAR(32) NOT NULL,
    CONSTRAINT project_snapshot_settings_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
