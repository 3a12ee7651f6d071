-- channels: the order pulls of TMALL (TOP) and JD connections (docs/channel-order-pulls.md). One row per connection
-- that was ever synced: the cursor (the end of the last modification window whose records are stored), when the
-- scheduled sync takes it next, and the lease that keeps two replicas (or a job and a syncChannelOrders) from pulling
-- one connection at once. The records themselves are channels.inbound_event rows (one per tid, status and modified).
CREATE TABLE channels.order_sync (
  connection_id text        PRIMARY KEY REFERENCES channels.connection (id),
  cursor_at     timestamptz,
  next_sync_at  timestamptz NOT NULL DEFAULT now(),
  lease_holder  text,
  lease_until   timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
-- The scheduled sync's pick: due connections first.
CREATE INDEX order_sync_due ON channels.order_sync (next_sync_at);
