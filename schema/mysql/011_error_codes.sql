-- mod_planning schema 11 (MariaDB/MySQL): error codes are UPPER_SNAKE everywhere,
-- as in the JSON error shape. Replies left incomplete and failed jobs of
-- earlier releases stored theirs in lower case ("upstream_error"); states
-- ("incomplete", "failed") keep their lower-case values.
UPDATE messages SET error_code = UPPER(error_code) WHERE error_code IS NOT NULL;
UPDATE jobs SET error_code = UPPER(error_code) WHERE error_code IS NOT NULL;
