-- Refunds (退款), profit sharing between a brand and its store operators (分账) and channel orders' origin.
-- Money is integer fen (分) with its ISO 4217 currency, like 0001_init.sql.

-- A refund of all or part of an order, through the provider that took its payment. CASH (and POINTS) succeed at
-- once; an online refund stays PENDING until channels.refund.succeeded (docs/events.md). PENDING refunds count
-- against what may still be refunded, so parallel refunds never exceed what was paid.
CREATE TABLE orders.refund (
  id                 text        PRIMARY KEY,
  order_id           text        NOT NULL REFERENCES orders."order" (id),
  amount_fen         bigint      NOT NULL CHECK (amount_fen > 0),
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason             text,
  status             text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  provider           text        NOT NULL CHECK (provider IN ('ALIPAY', 'WECHAT_PAY', 'TMALL', 'JD', 'CASH', 'POINTS')),
  -- The provider's refund id (Alipay out_request_no's trade, WeChat Pay refund_id, the channel's refund id).
  provider_refund_no text,
  requested_at       timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz,
  -- The idempotencyKey it was asked with, for support (the idempotency record itself is in idempotency_keys).
  idempotency_key    text,
  CHECK ((status = 'PENDING') = (completed_at IS NULL))
);
CREATE UNIQUE INDEX refund_provider_refund_no ON orders.refund (provider, provider_refund_no) WHERE provider_refund_no IS NOT NULL;
CREATE INDEX refund_order ON orders.refund (order_id, requested_at, id);

-- The goods a refund takes back: which line, how many units, and whether they go back into the store's stock.
CREATE TABLE orders.refund_line (
  refund_id text    NOT NULL REFERENCES orders.refund (id),
  line_id   text    NOT NULL REFERENCES orders.order_line (id),
  quantity  integer NOT NULL CHECK (quantity > 0),
  restock   boolean NOT NULL,
  PRIMARY KEY (refund_id, line_id)
);

-- The brand's commission on an operator's sales, in basis points (1250 = 12.5%). A change is a new row: the rate of
-- an order is the one in force when it was paid (latest effective_from not after paid_at), so history is kept.
CREATE TABLE orders.operator_commission (
  id             text        PRIMARY KEY,
  brand_id       text        NOT NULL,
  franchisee_id  text        NOT NULL,
  rate_bp        integer     NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  effective_from timestamptz NOT NULL,
  set_at         timestamptz NOT NULL DEFAULT now(),
  -- Who set it: the viewer's subject, else its scope key.
  set_by         text        NOT NULL
);
CREATE INDEX operator_commission_in_force ON orders.operator_commission (brand_id, franchisee_id, effective_from DESC, set_at DESC);

-- The split of each paid order at an operator's store with a commission rate: a SALE row when it is paid, a
-- negative REFUND row when a refund of it succeeds. Append-only, never updated: a period's settlement is the sum of
-- the rows booked in it, so a closed period gives the same statement forever (a later refund books in its own).
CREATE TABLE orders.order_split (
  id               text        PRIMARY KEY,
  order_id         text        NOT NULL REFERENCES orders."order" (id),
  kind             text        NOT NULL CHECK (kind IN ('SALE', 'REFUND')),
  refund_id        text        REFERENCES orders.refund (id),
  brand_id         text        NOT NULL,
  franchisee_id    text        NOT NULL,
  store_id         text,
  rate_bp          integer     NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  gross_fen        bigint      NOT NULL,
  commission_fen   bigint      NOT NULL,
  operator_net_fen bigint      NOT NULL,
  currency         text        NOT NULL,
  booked_at        timestamptz NOT NULL,
  CHECK (gross_fen = commission_fen + operator_net_fen),
  CHECK ((kind = 'SALE') = (refund_id IS NULL)),
  CHECK ((kind = 'SALE' AND gross_fen >= 0) OR (kind = 'REFUND' AND gross_fen < 0))
);
CREATE UNIQUE INDEX order_split_sale ON orders.order_split (order_id) WHERE kind = 'SALE';
CREATE UNIQUE INDEX order_split_refund ON orders.order_split (refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX order_split_franchisee_booked ON orders.order_split (franchisee_id, booked_at, id);

-- Where a Tmall or JD order came from (channels.order.upserted): the connection, the channel's own status, the
-- buyer's channel account (the member identity; member_id stays null unless the event names the member, since a
-- consumer cannot ask members) and the channel's updatedAt, by which an older event changes nothing.
CREATE TABLE orders.channel_order (
  order_id           text        PRIMARY KEY REFERENCES orders."order" (id),
  connection_id      text        NOT NULL,
  external_status    text,
  buyer_channel      text,
  buyer_app_id       text,
  buyer_external_id  text,
  channel_updated_at timestamptz NOT NULL
);
CREATE INDEX channel_order_buyer ON orders.channel_order (buyer_channel, buyer_app_id, buyer_external_id) WHERE buyer_external_id IS NOT NULL;

-- KPIs by payment and pickup time (Store.kpi, Guide.performance).
CREATE INDEX order_store_paid ON orders."order" (store_id, paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX order_guide_paid ON orders."order" (guide_id, paid_at) WHERE guide_id IS NOT NULL AND paid_at IS NOT NULL;
CREATE INDEX order_pickup_store_picked_up ON orders."order" (pickup_store_id, picked_up_at) WHERE picked_up_at IS NOT NULL;
