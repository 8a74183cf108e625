-- mod_planning schema 17 (SQLite): webhooks. A project's secret is kept
-- sealed (AES-256-GCM under a key derived from PlanningTokenKeyFile, see
-- lib/hooks/pl_hook_secret.h): HMAC needs the secret itself, so a hash
-- would not do.
CREATE TABLE webhook_secrets (
    project_id          INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    sealed              TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

-- Every verified delivery with what became of it. first_delivery holds the
-- delivery id of the first row of an id only (NULL on the rows that record
-- a redelivery), so the unique key both deduplicates and lets a duplicate
-- be recorded.
CREATE TABLE webhook_deliveries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    provider            TEXT NOT NULL,
    event               TEXT,
    delivery_id         TEXT,
    first_delivery      TEXT,
    received_at         TEXT NOT NULL,
    outcome             TEXT NOT NULL,
    detail              TEXT,
    analysis_id         INTEGER,
    UNIQUE (project_id, provider, first_delivery)
);
CREATE INDEX webhook_deliveries_project ON webhook_deliveries (project_id, id);
