-- mod_planning schema 19 (SQLite): tool calls in a thread's tree. An
-- assistant message may ask for tools (tool_calls: the JSON array the model
-- sent, each {id, function: {name, arguments}}); each call's result is a
-- message of role 'tool' under it, with the call's tool_name, tool_call_id
-- and tool_arguments (JSON text) and the result as content. SQLite cannot
-- change a CHECK, so messages is rebuilt: a new table, the rows copied with
-- their ids (the full-text index keeps pointing at them), the old one
-- dropped, the new one renamed, its indexes and triggers made again. The
-- new table's parent_id refers to messages_new, which the rename turns into
-- messages: referring to messages while the old table is dropped would
-- count every copied row as a broken reference (foreign keys are on, and a
-- migration runs inside a transaction, where they cannot be turned off).
CREATE TABLE messages_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id         INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    parent_id         INTEGER REFERENCES messages_new (id),
    role              TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
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
    updated_at        TEXT NOT NULL,
    imported          INTEGER NOT NULL DEFAULT 0,
    tool_calls        TEXT,
    tool_name         TEXT,
    tool_call_id      TEXT,
    tool_arguments    TEXT
);
INSERT INTO messages_new (id, thread_id, parent_id, role, content, thinking, state, model,
    server_id, prompt_tokens, completion_tokens, total_ns, eval_ns, error_code, created_at,
    updated_at, imported)
    SELECT id, thread_id, parent_id, role, content, thinking, state, model, server_id,
    prompt_tokens, completion_tokens, total_ns, eval_ns, error_code, created_at, updated_at,
    imported FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_thread ON messages (thread_id, id);
CREATE INDEX messages_parent ON messages (thread_id, parent_id);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
    WHEN old.content <> new.content BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content)
    ; INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
