-- Work across bastion nodes. node_orders: what the control plane asks a node to do to a session it holds (terminate),
-- queued by whichever control plane took the API call and taken by the node's poll from whichever it reaches; the
-- node's answer closes the order. detached_sessions: the sessions each node keeps for re-attach, as its last heartbeat
-- listed them, so a reconnect that lands on another node is told where its session is.
CREATE TABLE node_orders (
    id             bigserial PRIMARY KEY,
    node           text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('terminate')),
    session_id     text        NOT NULL,
    reason         text        NOT NULL,
    actor          text        NOT NULL,
    source_address text,
    created_at     timestamptz NOT NULL,
    taken_at       timestamptz,
    done_at        timestamptz,
    outcome        text CHECK (outcome IN ('ended', 'not-live'))
);
CREATE INDEX node_orders_waiting ON node_orders (node) WHERE taken_at IS NULL;

CREATE TABLE detached_sessions (
    node        text        NOT NULL,
    session_id  text        NOT NULL,
    username    text        NOT NULL,
    login       text        NOT NULL,
    host        text        NOT NULL,
    detached_at timestamptz NOT NULL,
    PRIMARY KEY (node, session_id)
);
CREATE INDEX detached_sessions_person ON detached_sessions (username, login, host);
