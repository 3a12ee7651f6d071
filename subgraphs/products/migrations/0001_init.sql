-- products subgraph: catalog (SPU/SKU), per-store prices (千店千面), store stock and its ledger.
-- Every table is schema-qualified; ids are text.

-- What products knows about stores (owned by the stores subgraph), kept current by 'stores.store.changed'.
-- Used only to fence stock and prices by brand / franchisee / store.
CREATE TABLE products.store_directory (
  store_id      text        PRIMARY KEY,
  brand_id      text        NOT NULL,
  franchisee_id text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_directory_franchisee ON products.store_directory (franchisee_id);

CREATE TABLE products.product (
  id          text        PRIMARY KEY,
  brand_id    text        NOT NULL,
  title       text        NOT NULL,
  category    text        NOT NULL,
  description text,
  images      text[]      NOT NULL DEFAULT '{}',
  status      text        NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'ARCHIVED')),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Newest first, keyset pagination; with and without a brand.
CREATE INDEX product_newest ON products.product (created_at DESC, id DESC);
CREATE INDEX product_brand_newest ON products.product (brand_id, created_at DESC, id DESC);
CREATE INDEX product_category ON products.product (category text_pattern_ops);

CREATE TABLE products.sku (
  id             text        PRIMARY KEY,
  product_id     text        NOT NULL REFERENCES products.product (id),
  brand_id       text        NOT NULL,
  code           text        NOT NULL,
  barcode        text,
  attributes     jsonb       NOT NULL DEFAULT '[]',
  list_price_fen bigint      NOT NULL CHECK (list_price_fen >= 0),
  currency       text        NOT NULL,
  -- ARCHIVED when left out of an upsertProduct: never deleted (past orders point at it).
  status         text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ARCHIVED')),
  position       integer     NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- 货号 is unique within a brand, archived SKUs included (channels map their ids to it). Deferrable so that
-- upsertProduct can swap two SKUs' codes in one statement (it defers the check to its commit).
ALTER TABLE products.sku ADD CONSTRAINT sku_brand_code UNIQUE (brand_id, code) DEFERRABLE INITIALLY IMMEDIATE;
CREATE INDEX sku_product ON products.sku (product_id, position);

-- A store's own price of a SKU (千店千面); no row = the list price applies.
CREATE TABLE products.store_price (
  store_id   text        NOT NULL,
  sku_id     text        NOT NULL REFERENCES products.sku (id),
  price_fen  bigint      NOT NULL CHECK (price_fen >= 0),
  currency   text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, sku_id)
);

CREATE TABLE products.stock (
  store_id   text        NOT NULL,
  sku_id     text        NOT NULL REFERENCES products.sku (id),
  on_hand    integer     NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved   integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, sku_id),
  CHECK (reserved <= on_hand)
);

-- Append-only ledger: one row per change of onHand or reserved.
CREATE TABLE products.stock_movement (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id       text        NOT NULL,
  sku_id         text        NOT NULL,
  on_hand_delta  integer     NOT NULL,
  reserved_delta integer     NOT NULL DEFAULT 0,
  -- A StockAdjustmentReason, or RESERVE / RELEASE / CONSUME for reservations.
  reason         text        NOT NULL,
  note           text,
  on_hand_after  integer     NOT NULL,
  reserved_after integer     NOT NULL,
  actor          text        NOT NULL,
  reservation_id text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movement_store_sku ON products.stock_movement (store_id, sku_id, id);

-- Stock held for store-pickup orders (预占).
CREATE TABLE products.stock_reservation (
  id         text        PRIMARY KEY,
  store_id   text        NOT NULL,
  order_id   text        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('HELD', 'RELEASED', 'CONSUMED', 'EXPIRED')),
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_reservation_held ON products.stock_reservation (expires_at) WHERE status = 'HELD';

CREATE TABLE products.stock_reservation_line (
  reservation_id text    NOT NULL REFERENCES products.stock_reservation (id),
  sku_id         text    NOT NULL REFERENCES products.sku (id),
  quantity       integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_id, sku_id)
);
