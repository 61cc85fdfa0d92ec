-- SSH logins waiting for approval in the browser, shared by every control plane: either one shows and decides them,
-- a restart loses none, and a bastion node's long poll learns the answer from whichever it reaches. The code the client
-- is shown is kept only as its SHA-256 (a code with the person's console sign-in answers the login). A row is pending
-- until answered, withdrawn (the connection closed) or expired; ended rows are deleted after a while (the audit trail
-- keeps the history).
CREATE TABLE ssh_approvals (
    code_hash      bytea       PRIMARY KEY,
    person         text        NOT NULL,
    target         text        NOT NULL,
    source         text        NOT NULL,
    source_address text        NOT NULL,
    client_version text        NOT NULL,
    after_key      boolean     NOT NULL,
    node           text,
    requested_at   timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    state          text        NOT NULL DEFAULT 'pending'
                               CHECK (state IN ('pending', 'approved', 'denied', 'expired', 'withdrawn')),
    decided_by     text,
    decided_at     timestamptz,
    reason         text
);
CREATE INDEX ssh_approvals_pending ON ssh_approvals (expires_at) WHERE state = 'pending';
CREATE INDEX ssh_approvals_ended ON ssh_approvals (decided_at) WHERE state <> 'pending';
