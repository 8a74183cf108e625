-- mod_planning schema 14 (SQLite): analyses of a project's checkout, each
-- run as a job (the planning command in a child process), and their results
-- stored as rows so the API serves objectives, gaps and recommendations
-- without reading the analyzer's output again. Every complete analysis is a
-- snapshot: its rows are never changed after it completes.
--
-- active_project holds project_id while the analysis is queued or running
-- and NULL after: its UNIQUE index is the one-analysis-per-project rule,
-- kept by the database even when two requests race (NULLs never collide).
CREATE TABLE analyses (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    active_project      INTEGER UNIQUE,
    job_id              INTEGER REFERENCES jobs (id) ON DELETE SET NULL,
    state               TEXT NOT NULL
                        CHECK (state IN ('queued', 'running', 'complete', 'failed', 'canceled')),
    analysis_type       TEXT NOT NULL CHECK (analysis_type IN ('full', 'incremental')),
    include_history     INTEGER NOT NULL DEFAULT 1,
    options             TEXT NOT NULL DEFAULT '{}',
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    started_at          TEXT,
    finished_at         TEXT,
    plan_title          TEXT,
    claimed_completion  REAL,
    observed_completion REAL,
    objectives          INTEGER NOT NULL DEFAULT 0,
    done                INTEGER NOT NULL DEFAULT 0,
    partial             INTEGER NOT NULL DEFAULT 0,
    missing             INTEGER NOT NULL DEFAULT 0,
    error_code          TEXT,
    error               TEXT
);
CREATE INDEX analyses_project ON analyses (project_id, id);

-- One row per objective of the plan; objective_id is the plan's own id,
-- the same across analyses, so a verdict has a history.
CREATE TABLE analysis_objectives (
    analysis_id         INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    objective_id        TEXT NOT NULL,
    parent_id           TEXT,
    level               TEXT,
    title               TEXT NOT NULL,
    description         TEXT,
    classification      TEXT NOT NULL,
    severity            INTEGER NOT NULL DEFAULT 0,
    score               REAL,
    confidence          REAL,
    claimed_status      TEXT,
    claimed_completion  REAL,
    observed_completion REAL,
    tested              INTEGER NOT NULL DEFAULT 0,
    dependencies        TEXT NOT NULL DEFAULT '[]',
    line                INTEGER,
    PRIMARY KEY (analysis_id, position)
);
CREATE INDEX analysis_objectives_id ON analysis_objectives (objective_id, analysis_id);

-- The tasks of each objective, with their evidence as JSON text
-- ([{path, line, symbol, words}]): read whole, never queried inside.
CREATE TABLE analysis_tasks (
    analysis_id         INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
    objective_position  INTEGER NOT NULL,
    position            INTEGER NOT NULL,
    text                TEXT NOT NULL,
    claimed             INTEGER,
    score               REAL,
    tested              INTEGER NOT NULL DEFAULT 0,
    evidence            TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (analysis_id, objective_position, position)
);

-- Recommendations in the analyzer's order, which is dependency order.
CREATE TABLE analysis_recommendations (
    analysis_id         INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    type                TEXT NOT NULL,
    priority            INTEGER NOT NULL DEFAULT 0,
    title               TEXT NOT NULL,
    description         TEXT,
    rationale           TEXT,
    effort              TEXT,
    impact              TEXT,
    related_objectives  TEXT NOT NULL DEFAULT '[]',
    dependencies        TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (analysis_id, position)
);

INSERT INTO revisions (name, revision) VALUES ('analyses', 0);
