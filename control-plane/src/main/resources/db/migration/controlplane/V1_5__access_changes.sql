-- Whose access changed, in order: bastion nodes poll it ("what changed since revision N?") and re-check the live
-- sessions of the people named. Not evidence (the audit trail records each admin change); old rows are pruned.
CREATE TABLE access_changes (
    revision   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username   text        NOT NULL,
    reason     text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_changes_changed_at ON access_changes (changed_at);
