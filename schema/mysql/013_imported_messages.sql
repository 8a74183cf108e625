-- mod_planning schema 13 (MySQL/MariaDB): imported messages are marked and
-- not counted in /api/v1/usage (see the SQLite twin).
ALTER TABLE messages ADD COLUMN imported TINYINT NOT NULL DEFAULT 0;
