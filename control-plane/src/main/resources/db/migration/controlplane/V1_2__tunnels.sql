-- Tunnels: what each gateway node knows about each agent's link to it, and the live gateway nodes agents must reach.
CREATE TABLE agent_links (
    agent_id       uuid        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    node_id        text        NOT NULL,
    connected      boolean     NOT NULL,
    remote_address text,
    version        text,
    open_streams   integer     NOT NULL DEFAULT 0,
    bytes_in       bigint      NOT NULL DEFAULT 0,
    bytes_out      bigint      NOT NULL DEFAULT 0,
    last_seen_at   timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, node_id)
);

CREATE TABLE gateway_nodes (
    id             text PRIMARY KEY,
    tunnel_address text        NOT NULL,
    last_heartbeat timestamptz NOT NULL
);
