-- The audit module's Ed25519 signing key (checkpoints, export manifests) is kept like the CAs: sealed by the master key.
ALTER TABLE certificate_authorities DROP CONSTRAINT certificate_authorities_name_check;
ALTER TABLE certificate_authorities ADD CONSTRAINT certificate_authorities_name_check
    CHECK (name IN ('ssh-user', 'ssh-host', 'x509', 'audit-signing'));
