-- orders subgraph: orders (订单) of every channel with their lines and payments, store pickup (门店自提, 核销) and
-- its copies of the stores subgraph's facts it fences and checks by. Every table is schema-qualified; ids are
-- text; money is integer fen (分) with its ISO 4217 currency.

-- What orders knows about stores (owned by the stores subgraph), kept current by 'stores.store.changed' and by
-- operatorBeforeWrite's answers: the brand and current operator (platform StoreDirectory, docs/architecture.md §4).
CREATE TABLE orders.store_directory (
  store_id      text        PRIMARY KEY,
  brand_id      text        NOT NULL,
  franchisee_id text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_directory_franchisee ON orders.store_directory (franchisee_id);

-- What store pickup needs of a store, from the same 'stores.store.changed' events: whether it offers pickup, its
-- status, its time zone and its weekly opening hours ([{ dayOfWeek, opens, closes }], local time).
CREATE TABLE orders.store_profile (
  store_id       text        PRIMARY KEY,
  pickup_enabled boolean     NOT NULL,
  status         text        NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  timezone       text        NOT NULL DEFAULT 'Asia/Shanghai',
  opening_hours  jsonb       NOT NULL DEFAULT '[]'::jsonb,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- What orders knows about guides (owned by the stores subgraph), kept current by 'stores.guide.changed': a guide
-- named on an order must be one of the order's brand.
CREATE TABLE orders.guide_directory (
  guide_id   text        PRIMARY KEY,
  brand_id   text        NOT NULL,
  store_id   text        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders."order" (
  id                 text        PRIMARY KEY,
  brand_id           text        NOT NULL,
  channel            text        NOT NULL CHECK (channel IN ('TMALL', 'JD', 'ALIPAY_MINIPROGRAM', 'WECHAT_MINIPROGRAM', 'POS', 'WECOM')),
  -- The channel's own order id (Tmall tid, JD order id); null for orders placed here.
  external_order_id  text,
  -- Null for a walk-in non-member sale at the POS.
  member_id          text,
  -- The selling, attributed or pickup store.
  store_id           text,
  -- The attributed guide (导购) at order time; kept after the guide leaves.
  guide_id           text,
  -- The store's operator when the order was placed: which franchisee sees the order (and its settlement).
  franchisee_id      text,
  status             text        NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'COMPLETED', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED')),
  fulfillment_type   text        NOT NULL CHECK (fulfillment_type IN ('DELIVERY', 'STORE_PICKUP')),
  pickup_store_id    text,
  -- The 6-digit code (核销). Kept readable: the member and the pickup store's staff are shown it; every read
  -- selects it only for those two (repo/orders.ts), and confirmPickup compares it in constant time.
  pickup_code        text        CHECK (pickup_code ~ '^[0-9]{6}$'),
  ready_at           timestamptz,
  picked_up_at       timestamptz,
  wrong_code_attempts integer    NOT NULL DEFAULT 0 CHECK (wrong_code_attempts >= 0),
  locked_until       timestamptz,
  total_fen          bigint      NOT NULL CHECK (total_fen >= 0),
  paid_fen           bigint      NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
  refunded_fen       bigint      NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  placed_at          timestamptz NOT NULL DEFAULT now(),
  paid_at            timestamptz,
  -- When an unpaid order is cancelled by the payment-timeout job (placed_at + ORDER_PAYMENT_TIMEOUT_MIN).
  payment_due_at     timestamptz,
  cancelled_at       timestamptz,
  cancel_reason      text,
  completed_at       timestamptz,
  -- Placed while the store was closed by its opening hours (非营业时间下单).
  off_hours          boolean     NOT NULL DEFAULT false,
  -- products' stock reservation (预占) for a store-pickup order, and how far it is settled with products: HELD until
  -- releaseStock answered; a CANCELLED or COMPLETED order still HELD is settled by the settle-reservations job.
  reservation_id     text,
  reservation_state  text        CHECK (reservation_state IN ('HELD', 'RETURNED', 'CONSUMED', 'EXPIRED')),
  -- The idempotencyKey it was placed with, for support (the idempotency record itself is in idempotency_keys).
  idempotency_key    text,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((fulfillment_type = 'STORE_PICKUP') = (pickup_store_id IS NOT NULL)),
  CHECK ((reservation_id IS NULL) = (reservation_state IS NULL))
);
CREATE UNIQUE INDEX order_external ON orders."order" (channel, external_order_id) WHERE external_order_id IS NOT NULL;
-- Keyset lists, newest first, each within its fence (docs/architecture.md §4).
CREATE INDEX order_brand_placed ON orders."order" (brand_id, placed_at DESC, id DESC);
CREATE INDEX order_store_placed ON orders."order" (store_id, placed_at DESC, id DESC);
CREATE INDEX order_pickup_store_placed ON orders."order" (pickup_store_id, placed_at DESC, id DESC) WHERE pickup_store_id IS NOT NULL;
CREATE INDEX order_guide_placed ON orders."order" (guide_id, placed_at DESC, id DESC) WHERE guide_id IS NOT NULL;
CREATE INDEX order_member_placed ON orders."order" (member_id, placed_at DESC, id DESC) WHERE member_id IS NOT NULL;
CREATE INDEX order_franchisee_placed ON orders."order" (franchisee_id, placed_at DESC, id DESC) WHERE franchisee_id IS NOT NULL;
CREATE INDEX order_placed ON orders."order" (placed_at DESC, id DESC);
-- The payment-timeout job's work list.
CREATE INDEX order_payment_due ON orders."order" (payment_due_at) WHERE status = 'PENDING_PAYMENT';
-- The settle-reservations job's work list: reservations of ended orders not yet returned or consumed.
CREATE INDEX order_reservation_unsettled ON orders."order" (updated_at) WHERE reservation_state = 'HELD' AND status IN ('CANCELLED', 'COMPLETED');

CREATE TABLE orders.order_line (
  id                text    PRIMARY KEY,
  order_id          text    NOT NULL REFERENCES orders."order" (id),
  position          integer NOT NULL,
  -- Null when a channel order line maps to no SKU of the brand.
  sku_id            text,
  title             text    NOT NULL,
  quantity          integer NOT NULL CHECK (quantity > 0),
  unit_price_fen    bigint  NOT NULL CHECK (unit_price_fen >= 0),
  line_total_fen    bigint  NOT NULL CHECK (line_total_fen >= 0),
  refunded_quantity integer NOT NULL DEFAULT 0 CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
  UNIQUE (order_id, position)
);

CREATE TABLE orders.payment (
  id                      text        PRIMARY KEY,
  order_id                text        NOT NULL REFERENCES orders."order" (id),
  provider                text        NOT NULL CHECK (provider IN ('ALIPAY', 'WECHAT_PAY', 'TMALL', 'JD', 'CASH', 'POINTS')),
  -- Null for CASH.
  provider_transaction_id text,
  amount_fen              bigint      NOT NULL CHECK (amount_fen > 0),
  currency                text        NOT NULL,
  paid_at                 timestamptz NOT NULL
);
CREATE UNIQUE INDEX payment_provider_transaction ON orders.payment (provider, provider_transaction_id) WHERE provider_transaction_id IS NOT NULL;
CREATE INDEX payment_order ON orders.payment (order_id, paid_at);

-- A provider's payment that did not match its order (amount, currency, status): recorded, the order stays as it
-- was; one row per provider transaction, so a redelivered event adds nothing.
CREATE TABLE orders.payment_mismatch (
  provider                text        NOT NULL,
  provider_transaction_id text        NOT NULL,
  order_id                text        NOT NULL,
  amount_fen              bigint      NOT NULL,
  currency                text        NOT NULL,
  reason                  text        NOT NULL,
  recorded_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, provider_transaction_id)
);

-- Wrong pickup codes (核销 failures): counted per order on the order row, and per store here for the store's
-- rate limit.
CREATE TABLE orders.pickup_failure (
  id          bigserial   PRIMARY KEY,
  store_id    text        NOT NULL,
  order_id    text        NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pickup_failure_store ON orders.pickup_failure (store_id, failed_at);
