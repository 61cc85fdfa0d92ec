-- Retention: when a session's recording chunks were deleted (a signed recording.deleted tombstone is in the chain).
ALTER TABLE audit_sessions ADD COLUMN recording_deleted_at timestamptz;
