-- Just-in-time access: a person asks for a role for a while; an admin or one of the role's approvers decides.
-- Who may approve a role besides admins (person names); empty means admins only.
ALTER TABLE roles ADD COLUMN approvers jsonb NOT NULL DEFAULT '[]'::jsonb;
-- The longest grant a request for this role may ask; null means the global cap.
ALTER TABLE roles ADD COLUMN max_request_minutes integer CHECK (max_request_minutes > 0);

CREATE TABLE access_requests (
    id          uuid PRIMARY KEY,
    username    text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    role        text NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
    reason      text NOT NULL,
    minutes     integer NOT NULL CHECK (minutes > 0),
    status      text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
    decided_by  text,
    decided_at  timestamptz,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'approved' OR expires_at IS NOT NULL)
);
-- Pending requests per person are capped, and the grants in force are read on every role resolution.
CREATE INDEX access_requests_user_status ON access_requests (username, status);
CREATE INDEX access_requests_approved_expiry ON access_requests (expires_at) WHERE status = 'approved';
