-- mod_planning schema 13 (SQLite): messages that came in through
-- POST /api/v1/threads/import keep the counts their file claims, for
-- display, but are marked so that /api/v1/usage does not count them: the
-- counts of an import are whatever the file says, and a user could otherwise
-- write any usage they like.
ALTER TABLE messages ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
