-- mod_planning schema 6 (SQLite): the prompts library. A prompt is shared:
-- everyone signed in reads it, its owner (or an admin) changes it. Every
-- change of its name, description or body is a new row in prompt_versions,
-- so the history is whole; prompts.version is the newest. A name is unique
-- per owner. A deleted account leaves its prompts in the library, owned by
-- nobody (only admins may change them then).
CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (owner_id, name)
);
CREATE INDEX prompts_name ON prompts (name, id);

CREATE TABLE prompt_tags (
    prompt_id INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);
CREATE INDEX prompt_tags_tag ON prompt_tags (tag, prompt_id);

CREATE TABLE prompt_versions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    prompt_id     INTEGER NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    restored_from INTEGER,
    created_at    TEXT NOT NULL,
    UNIQUE (prompt_id, version)
);
