-- mod_planning schema 12 (SQLite): model runs that are no message of a
-- thread (the Ollama proxy's chat, generate and embed; a prompt's test),
-- one row each, so /api/v1/usage counts them with their source. Replies in
-- threads stay counted from the messages table: never stored here too.
-- And a model pull's progress over all its layers besides the current one.
CREATE TABLE usage_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('proxy', 'prompt_test')),
    model       TEXT NOT NULL,
    tokens_in   INTEGER NOT NULL DEFAULT 0,
    tokens_out  INTEGER NOT NULL DEFAULT 0,
    total_ns    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX usage_runs_user ON usage_runs (user_id, created_at);
ALTER TABLE jobs ADD COLUMN overall_percent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN overall_completed INTEGER;
ALTER TABLE jobs ADD COLUMN overall_total INTEGER;
