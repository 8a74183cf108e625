-- mod_planning schema 9 (MySQL/MariaDB): a project's name is unique among
-- its owner's projects, not across the server, so that a duplicate name
-- never tells a user that someone else's private project is called that.
ALTER TABLE projects DROP INDEX projects_name,
    ADD UNIQUE KEY projects_owner_name (owner_id, name);
