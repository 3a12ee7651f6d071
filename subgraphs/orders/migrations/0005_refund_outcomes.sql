-- orders: what became of a refund beyond its status (docs/events.md, "Refunds").
-- failure_reason: why the payment provider refused it (channels.refund.failed reason), for staff.
-- restock / restock_state: the units of a store-pickup order not collected yet that the refund puts back into the
-- store's stock ([{ skuId, quantity }]) and where that stands. A CASH or POINTS refund puts them back at once; an online
-- one only once the provider confirms it (WAITING, then DUE until the return-refunded-stock job has asked products), so
-- a refund the provider refuses leaves them reserved for the order (KEPT).
ALTER TABLE orders.refund
  ADD COLUMN failure_reason text,
  ADD COLUMN restock jsonb,
  ADD COLUMN restock_state text CHECK (restock_state IN ('WAITING', 'DUE', 'RETURNED', 'KEPT', 'NOT_RETURNED', 'RETURNED_BEFORE_REFUSAL')),
  ADD CONSTRAINT refund_restock_state CHECK ((restock IS NULL) = (restock_state IS NULL));

-- The return-refunded-stock job's work list.
CREATE INDEX refund_restock_due ON orders.refund (completed_at) WHERE restock_state = 'DUE';
