-- mod_planning schema 14 (MySQL/MariaDB): analyses and their results (see
-- the SQLite twin for the why of each table).
CREATE TABLE analyses (
    id                  BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id          BIGINT NOT NULL,
    active_project      BIGINT NULL,
    job_id              BIGINT NULL,
    state               VARCHAR(16) NOT NULL,
    analysis_type       VARCHAR(16) NOT NULL,
    include_history     TINYINT NOT NULL DEFAULT 1,
    options             TEXT NOT NULL,
    created_by          BIGINT NULL,
    created_at          VARCHAR(32) NOT NULL,
    started_at          VARCHAR(32) NULL,
    finished_at         VARCHAR(32) NULL,
    plan_title          TEXT NULL,
    claimed_completion  DOUBLE NULL,
    observed_completion DOUBLE NULL,
    objectives          INT NOT NULL DEFAULT 0,
    done                INT NOT NULL DEFAULT 0,
    partial             INT NOT NULL DEFAULT 0,
    missing             INT NOT NULL DEFAULT 0,
    error_code          VARCHAR(64) NULL,
    error               TEXT NULL,
    UNIQUE KEY analyses_active (active_project),
    KEY analyses_project (project_id, id),
    CONSTRAINT analyses_state_check
        CHECK (state IN ('queued', 'running', 'complete', 'failed', 'canceled')),
    CONSTRAINT analyses_type_check CHECK (analysis_type IN ('full', 'incremental')),
    CONSTRAINT analyses_project_fk FOREIGN KEY (project_id) REFERENCES projects (id)
        ON DELETE CASCADE,
    CONSTRAINT analyses_job_fk FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE SET NULL,
    CONSTRAINT analyses_creator_fk FOREIGN KEY (created_by) REFERENCES users (id)
        ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE analysis_objectives (
    analysis_id         BIGINT NOT NULL,
    position            INT NOT NULL,
    objective_id        VARCHAR(191) NOT NULL,
    parent_id           VARCHAR(191) NULL,
    level               VARCHAR(32) NULL,
    title               TEXT NOT NULL,
    description         MEDIUMTEXT NULL,
    classification      VARCHAR(32) NOT NULL,
    severity            INT NOT NULL DEFAULT 0,
    score               DOUBLE NULL,
    confidence          DOUBLE NULL,
    claimed_status      VARCHAR(64) NULL,
    claimed_completion  DOUBLE NULL,
    observed_completion DOUBLE NULL,
    tested              TINYINT NOT NULL DEFAULT 0,
    dependencies        TEXT NOT NULL,
    line                INT NULL,
    PRIMARY KEY (analysis_id, position),
    KEY analysis_objectives_id (objective_id, analysis_id),
    CONSTRAINT analysis_objectives_fk FOREIGN KEY (analysis_id) REFERENCES analyses (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE analysis_tasks (
    analysis_id         BIGINT NOT NULL,
    objective_position  INT NOT NULL,
    position            INT NOT NULL,
    text                TEXT NOT NULL,
    claimed             TINYINT NULL,
    score               DOUBLE NULL,
    tested              TINYINT NOT NULL DEFAULT 0,
    evidence            MEDIUMTEXT NOT NULL,
    PRIMARY KEY (analysis_id, objective_position, position),
    CONSTRAINT analysis_tasks_fk FOREIGN KEY (analysis_id) REFERENCES analyses (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE analysis_recommendations (
    analysis_id         BIGINT NOT NULL,
    position            INT NOT NULL,
    type                VARCHAR(64) NOT NULL,
    priority            INT NOT NULL DEFAULT 0,
    title               TEXT NOT NULL,
    description         TEXT NULL,
    rationale           TEXT NULL,
    effort              VARCHAR(32) NULL,
    impact              VARCHAR(32) NULL,
    related_objectives  TEXT NOT NULL,
    dependencies        TEXT NOT NULL,
    PRIMARY KEY (analysis_id, position),
    CONSTRAINT analysis_recommendations_fk FOREIGN KEY (analysis_id) REFERENCES analyses (id)
        ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO revisions (name, revision) VALUES ('analyses', 0);
