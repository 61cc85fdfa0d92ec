-- A watch order asks the bastion node holding a running session to relay its terminal to the control planes, for the
-- console's live view of a session on another node. The node takes it like a terminate and needs no answer.
ALTER TABLE node_orders DROP CONSTRAINT node_orders_kind_check;
ALTER TABLE node_orders ADD CONSTRAINT node_orders_kind_check CHECK (kind IN ('terminate', 'watch'));
