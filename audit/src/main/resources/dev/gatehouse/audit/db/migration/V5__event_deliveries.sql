-- Delivery ids of audit events that travel through the evidence spool on their own (the bastion's ssh.* events):
-- the spool may deliver an item again after a crash, and an event without a session link has nothing else that
-- tells a second delivery from a new event. Inserted in the same transaction as the event; append-only.

CREATE TABLE audit_event_deliveries (
    delivery_id text        PRIMARY KEY,
    stored_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER audit_event_deliveries_append_only BEFORE UPDATE OR DELETE ON audit_event_deliveries
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_deliveries_no_truncate BEFORE TRUNCATE ON audit_event_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
