-- A watch order asks the bastion node holding a running session to relay its terminal to a control plane, for the
-- console's live view of a session on another node. The node takes it like a terminate and needs no answer;
-- reply_to is the node port of the control plane the watcher is on (null: the node's own control-plane URL).
ALTER TABLE node_orders DROP CONSTRAINT node_orders_kind_check;
ALTER TABLE node_orders ADD CONSTRAINT node_orders_kind_check CHECK (kind IN ('terminate', 'watch'));
ALTER TABLE node_orders ADD COLUMN reply_to text;
