-- Audit store: events in one global hash chain, session index, search text, commands, signed checkpoints.
-- Evidence tables are append-only (trigger below). audit_chain_head and audit_sessions are indexes that the store
-- keeps current; verification never trusts them.

CREATE TABLE audit_events (
    id                bigint      PRIMARY KEY,
    type              text        NOT NULL,
    time              timestamptz NOT NULL,
    actor             text        NOT NULL,
    source_address    text,
    target            text,
    outcome           text        NOT NULL,
    session_id        text,
    details           text        NOT NULL,
    session_seq       bigint,
    session_prev_hash bytea,
    session_hash      bytea,
    prev_hash         bytea       NOT NULL,
    hash              bytea       NOT NULL
);
CREATE INDEX audit_events_type ON audit_events (type, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_target ON audit_events (target, id);
CREATE INDEX audit_events_time ON audit_events (time, id);
CREATE UNIQUE INDEX audit_events_session ON audit_events (session_id, session_seq) WHERE session_seq IS NOT NULL;
CREATE INDEX audit_events_session_id ON audit_events (session_id, id);

CREATE TABLE audit_chain_head (
    id   int    PRIMARY KEY CHECK (id = 1),
    seq  bigint NOT NULL,
    hash bytea  NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE TABLE audit_checkpoints (
    seq       bigint      PRIMARY KEY,
    hash      bytea       NOT NULL,
    time      timestamptz NOT NULL,
    key_id    text        NOT NULL,
    signature bytea       NOT NULL
);

CREATE TABLE audit_sessions (
    session_id     text        PRIMARY KEY,
    username       text        NOT NULL,
    login          text,
    host           text,
    network        text,
    source_address text,
    kind           text        NOT NULL,
    term           text,
    cols           int,
    rows           int,
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    status         text        NOT NULL,
    exit_status    int,
    exit_signal    text,
    end_reason     text,
    chunks         int         NOT NULL DEFAULT 0,
    output_bytes   bigint      NOT NULL DEFAULT 0,
    recorder_id    text        NOT NULL
);
CREATE INDEX audit_sessions_started ON audit_sessions (started_at DESC, session_id DESC);
CREATE INDEX audit_sessions_user ON audit_sessions (username, started_at DESC);
CREATE INDEX audit_sessions_host ON audit_sessions (host, started_at DESC);
CREATE INDEX audit_sessions_running ON audit_sessions (recorder_id) WHERE status = 'running';

CREATE TABLE audit_session_text (
    session_id  text     NOT NULL,
    chunk_index int      NOT NULL,
    body        tsvector NOT NULL,
    PRIMARY KEY (session_id, chunk_index)
);
CREATE INDEX audit_session_text_body ON audit_session_text USING gin (body);

CREATE TABLE audit_commands (
    session_id text    NOT NULL,
    seq        int     NOT NULL,
    offset_ms  bigint  NOT NULL,
    line       text    NOT NULL,
    source     text    NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX audit_commands_line ON audit_commands USING gin (to_tsvector('simple', line));

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_session_text_append_only BEFORE UPDATE OR DELETE ON audit_session_text
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_commands_append_only BEFORE UPDATE OR DELETE ON audit_commands
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
