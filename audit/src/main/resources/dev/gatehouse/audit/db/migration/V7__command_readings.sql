-- A command line whose typed and terminal readings differed is stored twice, each row marked.
ALTER TABLE audit_commands ADD COLUMN disagrees boolean NOT NULL DEFAULT false;
