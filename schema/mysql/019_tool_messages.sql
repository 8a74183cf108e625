-- mod_planning schema 19 (MySQL/MariaDB): tool calls in a thread's tree
-- (see the SQLite twin): the role 'tool', an assistant message's
-- tool_calls, a tool message's call name, id and arguments.
ALTER TABLE messages DROP CONSTRAINT messages_role;
ALTER TABLE messages ADD CONSTRAINT messages_role CHECK (role IN ('user', 'assistant', 'tool'));
ALTER TABLE messages ADD COLUMN tool_calls MEDIUMTEXT NULL;
ALTER TABLE messages ADD COLUMN tool_name VARCHAR(64) NULL;
ALTER TABLE messages ADD COLUMN tool_call_id VARCHAR(64) NULL;
ALTER TABLE messages ADD COLUMN tool_arguments MEDIUMTEXT NULL;
