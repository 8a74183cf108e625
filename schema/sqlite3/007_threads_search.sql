-- mod_planning schema 7 (SQLite): full-text search over thread titles and
-- message bodies, per-project chat defaults, and whether a thread's title is
-- ours to replace (1: empty or made by us; 0: the user chose it).
--
-- The FTS5 tables hold no text of their own (external content): the triggers
-- keep them in step with threads and messages, 'rebuild' indexes the rows
-- that exist already. Every write of a thread sets its title again: only a
-- change is indexed. No line inside a trigger's body ends in ';': pl_migrate
-- ends a statement at such a line.
ALTER TABLE threads ADD COLUMN title_auto INTEGER NOT NULL DEFAULT 0;
UPDATE threads SET title_auto = 1 WHERE title = '';

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
    WHEN old.content <> new.content BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content)
    ; INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE threads_fts USING fts5 (
    title, content = 'threads', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER threads_fts_insert AFTER INSERT ON threads BEGIN
    INSERT INTO threads_fts (rowid, title) VALUES (new.id, new.title); END;
CREATE TRIGGER threads_fts_delete AFTER DELETE ON threads BEGIN
    INSERT INTO threads_fts (threads_fts, rowid, title) VALUES ('delete', old.id, old.title); END;
CREATE TRIGGER threads_fts_update AFTER UPDATE OF title ON threads
    WHEN old.title <> new.title BEGIN
    INSERT INTO threads_fts (threads_fts, rowid, title) VALUES ('delete', old.id, old.title)
    ; INSERT INTO threads_fts (rowid, title) VALUES (new.id, new.title); END;
INSERT INTO threads_fts (threads_fts) VALUES ('rebuild');

-- A thread's tree is walked by parent: siblings, subtrees, the newest child.
CREATE INDEX messages_parent ON messages (thread_id, parent_id);

-- What a chat in a project starts with when the thread names none of its own.
CREATE TABLE project_chat_defaults (
    project_id    INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    server_id     INTEGER REFERENCES model_servers (id) ON DELETE SET NULL,
    model         TEXT,
    temperature   REAL,
    system_prompt TEXT,
    updated_at    TEXT NOT NULL
);
