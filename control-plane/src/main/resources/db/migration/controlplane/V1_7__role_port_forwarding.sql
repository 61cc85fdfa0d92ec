-- Forwards inside a target session (-L, -D to the target's own addresses) are opened by the target; a role allows
-- them explicitly. Existing roles allow none until an admin says so.
ALTER TABLE roles ADD COLUMN port_forwarding boolean NOT NULL DEFAULT false;
