-- How long a shell whose engineer lost the connection is kept for re-attach; 0 ends it at once (the old behaviour).
ALTER TABLE roles ADD COLUMN detached_seconds integer NOT NULL DEFAULT 600;
