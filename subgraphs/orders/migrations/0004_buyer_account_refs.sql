-- orders: a Tmall or JD order's buyer is kept as its account's keyed ref (channels.order.upserted buyer.ref, docs/events.md
-- "Channel accounts between subgraphs"), never its open id; members.member.erased names the erased member's accounts by
-- the same refs, and their orders' buyer is dropped.
ALTER TABLE orders.channel_order ADD COLUMN buyer_ref text;
CREATE INDEX channel_order_buyer_ref ON orders.channel_order (buyer_ref) WHERE buyer_ref IS NOT NULL;

-- Open ids stored before refs could not be matched by any erasure (and nothing reads them): they go.
UPDATE orders.channel_order SET buyer_external_id = NULL WHERE buyer_external_id IS NOT NULL;
DROP INDEX orders.channel_order_buyer;

-- The accounts of erased members (by ref): a channel order placed before the erasure and arriving after it (events of
-- two topics are not ordered) is stored without its buyer.
CREATE TABLE orders.erased_account (
  ref       text        PRIMARY KEY,
  brand_id  text        NOT NULL,
  erased_at timestamptz NOT NULL
);
