-- The control plane's own tables. The audit module keeps its tables (and its own Flyway history) beside these.

CREATE TABLE roles (
    name                    text PRIMARY KEY,
    logins                  jsonb   NOT NULL,
    host_labels             jsonb   NOT NULL,
    forward_destinations    jsonb   NOT NULL,
    max_session_seconds     integer NOT NULL,
    allow_remote_forwarding boolean NOT NULL,
    allow_agent_forwarding  boolean NOT NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    username      text PRIMARY KEY,
    roles         jsonb   NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    api_scope     text CHECK (api_scope IN ('admin', 'auditor')),
    password_hash text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ssh_keys (
    id          uuid PRIMARY KEY,
    username    text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    fingerprint text NOT NULL UNIQUE,
    algorithm   text NOT NULL,
    public_key  text NOT NULL,
    comment     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ssh_keys_username ON ssh_keys (username);

CREATE TABLE api_tokens (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    token_hash text NOT NULL UNIQUE,
    scope      text NOT NULL CHECK (scope IN ('admin', 'auditor')),
    expires_at timestamptz,
    revoked_at timestamptz,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE networks (
    name        text PRIMARY KEY,
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- "direct": hosts the gateway dials itself, without an agent.
INSERT INTO networks (name, description) VALUES ('direct', 'Hosts the gateway reaches directly, without a tunnel agent');

CREATE TABLE hosts (
    name            text PRIMARY KEY,
    address         text  NOT NULL,
    labels          jsonb NOT NULL,
    network         text  NOT NULL REFERENCES networks (name),
    host_key        text,
    host_key_source text CHECK (host_key_source IN ('admin', 'learned')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hosts_network ON hosts (network);

CREATE TABLE join_tokens (
    id         uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    network    text NOT NULL REFERENCES networks (name) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Filled by the tunnel issue: an agent joins with a join token and gets an X.509 certificate from the gateway's CA.
CREATE TABLE agents (
    id           uuid PRIMARY KEY,
    network      text NOT NULL REFERENCES networks (name),
    name         text NOT NULL,
    cert_serial  text NOT NULL UNIQUE,
    last_seen_at timestamptz,
    version      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (network, name)
);

-- Certificate authorities: private keys sealed (AES-GCM) with the master key, never stored in clear.
CREATE TABLE certificate_authorities (
    name               text PRIMARY KEY CHECK (name IN ('ssh-user', 'ssh-host', 'x509')),
    public_material    text  NOT NULL,
    sealed_private_key bytea NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
