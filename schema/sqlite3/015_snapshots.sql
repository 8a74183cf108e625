-- mod_planning schema 15 (SQLite): progress over time and scheduled
-- analyses. Every complete analysis is a snapshot; its per-level counts
-- are stored when its results are (analysis_levels), so a trend over many
-- analyses never reads their objectives again.
CREATE TABLE analysis_levels (
    analysis_id         INTEGER NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
    level               TEXT NOT NULL,
    objectives          INTEGER NOT NULL DEFAULT 0,
    done                INTEGER NOT NULL DEFAULT 0,
    partial             INTEGER NOT NULL DEFAULT 0,
    missing             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (analysis_id, level)
);

-- What the analysis read (a hash of the walked files' paths, sizes and
-- mtimes and the plan's bytes), taken by the job before the analyzer ran:
-- a scheduled analysis is skipped while the checkout hashes the same.
ALTER TABLE analyses ADD COLUMN input_hash TEXT;

-- Per project: the schedule (interval_minutes NULL follows
-- PlanningAnalysisSchedule, 0 is off), whether badge.svg and trends.svg
-- are served to anyone, and what the scheduler last did. next_check_at
-- (Unix seconds) is claimed with a conditional UPDATE, so one process of
-- one server checks a project per interval.
CREATE TABLE project_snapshot_settings (
    project_id          INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    interval_minutes    INTEGER,
    public_badge        INTEGER NOT NULL DEFAULT 0,
    next_check_at       INTEGER NOT NULL DEFAULT 0,
    last_check_at       TEXT,
    last_outcome        TEXT,
    last_analysis_id    INTEGER,
    updated_at          TEXT NOT NULL
);
