-- Console sessions (Spring Session JDBC's schema, under names of our own), so that several control planes on this
-- database serve one signed-in console interchangeably. Attributes are the serialized security context and the
-- sign-in time; rows past their expiry are deleted by every control plane once a minute.
CREATE TABLE console_sessions (
    primary_id            char(36)     NOT NULL PRIMARY KEY,
    session_id            char(36)     NOT NULL,
    creation_time         bigint       NOT NULL,
    last_access_time      bigint       NOT NULL,
    max_inactive_interval int          NOT NULL,
    expiry_time           bigint       NOT NULL,
    principal_name        varchar(100)
);

CREATE UNIQUE INDEX console_sessions_ix1 ON console_sessions (session_id);
CREATE INDEX console_sessions_ix2 ON console_sessions (expiry_time);
CREATE INDEX console_sessions_ix3 ON console_sessions (principal_name);

CREATE TABLE console_sessions_attributes (
    session_primary_id char(36)     NOT NULL REFERENCES console_sessions (primary_id) ON DELETE CASCADE,
    attribute_name     varchar(200) NOT NULL,
    attribute_bytes    bytea        NOT NULL,
    PRIMARY KEY (session_primary_id, attribute_name)
);
