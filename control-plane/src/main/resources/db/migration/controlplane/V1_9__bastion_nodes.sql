-- Bastion nodes: one-time node tokens (only their SHA-256 is kept) and the nodes that enrolled with one. A node is
-- known by its client certificate's serial; the previous serial stays admitted so that a renewal whose answer was lost
-- can be retried with the old certificate. A node signs its recordings' checkpoints with a key of its own, never
-- with the control plane's audit key.
CREATE TABLE node_tokens (
    id          uuid PRIMARY KEY,
    token_hash  text        NOT NULL UNIQUE,
    role        text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     text,
    revoked_at  timestamptz,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE bastion_nodes (
    name                 text PRIMARY KEY,
    role                 text        NOT NULL,
    cert_serial          text        NOT NULL,
    previous_cert_serial text,
    enrolled_at          timestamptz NOT NULL,
    revoked_at           timestamptz,
    last_seen_at         timestamptz,
    -- The Ed25519 public key (base64 of its X.509 encoding) that signs the checkpoints of this node's recordings.
    recording_key        text
);
