-- A renewal keeps the certificate it was authenticated with usable until it expires (TLS checks the expiry): if the
-- answer is lost, the agent still holds only that one and must be able to renew again.
ALTER TABLE agents ADD COLUMN previous_serial text;
