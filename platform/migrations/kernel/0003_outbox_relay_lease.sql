-- One relay replica at a time publishes a schema's outbox (DESIGN §12), so events leave in outbox order.
-- The holder renews the lease every batch; a replica that dies lets it expire and another takes over.
CREATE TABLE {{schema}}.outbox_relay_lease (
  singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  holder     text        NOT NULL,
  expires_at timestamptz NOT NULL
);
