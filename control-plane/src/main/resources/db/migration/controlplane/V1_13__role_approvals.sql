-- SSH logins approved in the browser: a role may require approval instead of a key (require_sso) or after it
-- (require_approval). Pending approvals live in the memory of the control plane that issued them (two minutes).
ALTER TABLE roles
    ADD COLUMN require_sso      boolean NOT NULL DEFAULT false,
    ADD COLUMN require_approval boolean NOT NULL DEFAULT false;
