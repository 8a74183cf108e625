-- mod_planning schema 18 (SQLite): git's network side. A project's remote
-- (its https token sealed like the webhook secrets, see lib/core/pl_seal.h),
-- its ssh deploy key (the private key sealed, never returned) and the ssh
-- host keys it has met (pending until an admin confirms one).
CREATE TABLE git_remotes (
    project_id          INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    url                 TEXT NOT NULL,
    branch              TEXT,
    username            TEXT,
    token_sealed        TEXT,
    updated_at          TEXT NOT NULL
);

CREATE TABLE git_deploy_keys (
    project_id          INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    public_key          TEXT NOT NULL,
    fingerprint         TEXT NOT NULL,
    private_sealed      TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE git_host_keys (
    project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    host                TEXT NOT NULL,
    key_type            TEXT NOT NULL,
    fingerprint         TEXT NOT NULL,
    state               TEXT NOT NULL,
    seen_at             TEXT NOT NULL,
    confirmed_at        TEXT,
    PRIMARY KEY (project_id, host)
);
