-- mod_planning schema 5 (SQLite): chat threads and their messages. Messages
-- form a tree (parent_id): an edit or a regeneration is a sibling, and the
-- thread remembers the leaf of the branch in view.
CREATE TABLE threads (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id    INTEGER REFERENCES projects (id),
    title         TEXT NOT NULL DEFAULT '',
    model         TEXT,
    system_prompt TEXT,
    options       TEXT NOT NULL DEFAULT '{}',
    pinned        INTEGER NOT NULL DEFAULT 0,
    archived      INTEGER NOT NULL DEFAULT 0,
    leaf_id       INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX threads_user ON threads (user_id, updated_at);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id         INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id         INTEGER REFERENCES messages (id),
    role              TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content           TEXT NOT NULL DEFAULT '',
    thinking          TEXT,
    state             TEXT NOT NULL CHECK (state IN ('complete', 'streaming', 'incomplete')),
    model             TEXT,
    server_id         INTEGER,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    total_ns          INTEGER,
    eval_ns           INTEGER,
    error_code        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, id);
