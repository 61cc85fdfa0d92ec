-- Concurrent-session slots across bastion nodes: a node takes one before a session starts (under a per-person advisory
-- lock, so two nodes cannot both take the last) and gives it back when the session ends. A node's heartbeat lists the
-- sessions it holds; slots it no longer holds, and every slot of a node gone silent, are freed by the control plane.
CREATE TABLE session_slots (
    session_id  text PRIMARY KEY,
    username    text        NOT NULL,
    node        text        NOT NULL,
    reserved_at timestamptz NOT NULL
);
CREATE INDEX session_slots_username ON session_slots (username);
CREATE INDEX session_slots_node ON session_slots (node);
