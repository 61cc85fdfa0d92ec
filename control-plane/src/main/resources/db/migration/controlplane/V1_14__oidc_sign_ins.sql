-- Console single sign-ons between the redirect to the identity provider and the browser's return (at most 10
-- minutes), kept here so that any control plane on this database can finish one another started. The browser that
-- started it holds the binding (a cookie); the state and the binding are stored as SHA-256 only.
CREATE TABLE oidc_sign_ins (
    state_hash   bytea       PRIMARY KEY,
    binding_hash bytea       NOT NULL,
    request      jsonb       NOT NULL,
    expires_at   timestamptz NOT NULL
);

CREATE INDEX oidc_sign_ins_expiry ON oidc_sign_ins (expires_at);
