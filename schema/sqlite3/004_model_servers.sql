-- mod_planning schema 4 (SQLite): model servers (Ollama or OpenAI-compatible).
-- api_key is sent to that server only and never returned by the API.
CREATE TABLE model_servers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    base_url   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('ollama', 'openai')),
    api_key    TEXT,
    priority   INTEGER NOT NULL DEFAULT 100,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
