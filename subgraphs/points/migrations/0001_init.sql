-- points subgraph: the points ledger (积分) of each member at its brand. An account's cached balance and pending
-- change only together with a ledger entry or a lot's release (same transaction, the account row locked); the
-- ledger is append-only (no code path updates or deletes an entry). Every table is schema-qualified; ids are text.

-- What points knows about stores (owned by the stores subgraph), kept current by 'stores.store.changed'.
-- Used to fence accounts by their home store's operator (docs/architecture.md §4, §6).
CREATE TABLE points.store_directory (
  store_id      text        PRIMARY KEY,
  brand_id      text        NOT NULL,
  franchisee_id text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_directory_franchisee ON points.store_directory (franchisee_id);

-- A brand's earning rule (积分规则): points per yuan paid, a multiplier per member tier (in permille: 1500 = 1.5×,
-- a tier not listed earns 1×), when earned points lapse (at the end of the expiry_months-th month after the month
-- they were earned in, in the brand's time zone) and how long an order's points stay pending (its return window).
CREATE TABLE points.earning_rule (
  brand_id         text        PRIMARY KEY,
  points_per_yuan  integer     NOT NULL CHECK (points_per_yuan BETWEEN 0 AND 1000),
  tier_multipliers jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(tier_multipliers) = 'object'),
  expiry_months    integer     NOT NULL CHECK (expiry_months BETWEEN 1 AND 120),
  holding_days     integer     NOT NULL CHECK (holding_days BETWEEN 0 AND 90),
  time_zone        text        NOT NULL DEFAULT 'Asia/Shanghai',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- Points leave their holding period before they can lapse.
  CHECK (expiry_months * 28 > holding_days)
);

-- One account per (member, brand). balance: spendable points (released lots); pending: points of lots still inside
-- their holding period. balance + pending = the sum of the account's entries = the sum of its lots' remaining points.
-- home_store_id: the member's home store as orders.order.paid last said (memberHomeStoreId), by which a franchisee
-- and a store's staff reach the account. A merged member's account is closed into the survivor's (merged_into).
CREATE TABLE points.account (
  id            text        PRIMARY KEY,
  member_id     text        NOT NULL,
  brand_id      text        NOT NULL,
  home_store_id text,
  home_store_at timestamptz,
  balance       integer     NOT NULL DEFAULT 0 CONSTRAINT account_balance_not_negative CHECK (balance >= 0),
  pending       integer     NOT NULL DEFAULT 0 CONSTRAINT account_pending_not_negative CHECK (pending >= 0),
  merged_into   text        REFERENCES points.account (id),
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT account_member_brand_key UNIQUE (member_id, brand_id),
  CHECK (merged_into IS NULL OR (balance = 0 AND pending = 0))
);
CREATE INDEX account_home_store ON points.account (home_store_id);
CREATE INDEX account_merged_into ON points.account (merged_into) WHERE merged_into IS NOT NULL;

-- The append-only ledger. points is signed (credits positive); balance_after is the account's balance + pending
-- right after the entry. MERGE_OUT / MERGE_IN move a merged member's points to the survivor (not listed to clients).
CREATE TABLE points.entry (
  id                text        PRIMARY KEY,
  account_id        text        NOT NULL REFERENCES points.account (id),
  kind              text        NOT NULL CHECK (kind IN ('EARN', 'REDEEM', 'EXPIRE', 'REVERSAL', 'ADJUST', 'MERGE_OUT', 'MERGE_IN')),
  points            integer     NOT NULL CHECK (points <> 0),
  balance_after     integer     NOT NULL CHECK (balance_after >= 0),
  reason            text,
  order_id          text,
  -- Who booked it by hand (adjustPoints; see points.adjustment) and under which idempotencyKey.
  actor             text,
  idempotency_key   text,
  -- A REVERSAL's entry (the earn a refund takes back, the redemption a refund gives back).
  reverses_entry_id text        REFERENCES points.entry (id),
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (kind <> 'REVERSAL' OR reverses_entry_id IS NOT NULL),
  CHECK ((kind IN ('EARN', 'MERGE_IN') AND points > 0) OR (kind IN ('REDEEM', 'EXPIRE', 'MERGE_OUT') AND points < 0) OR kind IN ('REVERSAL', 'ADJUST'))
);
-- Newest first, keyset pagination per account.
CREATE INDEX entry_account_newest ON points.entry (account_id, created_at DESC, id DESC);
CREATE INDEX entry_order ON points.entry (order_id) WHERE order_id IS NOT NULL;
-- A redemption is given back at most once.
CREATE UNIQUE INDEX entry_redemption_reversed_once ON points.entry (reverses_entry_id) WHERE kind = 'REVERSAL' AND points > 0;
-- Velocity limit: a member's redemptions of the last minute.
CREATE INDEX entry_account_redeem ON points.entry (account_id, created_at) WHERE kind = 'REDEEM';

-- Lots (积分批次): what one credit added, what of it remains, when it becomes spendable (available_at; released_at
-- once the account's pending moved it to balance) and when it lapses. Spending takes lots FIFO by expiry.
CREATE TABLE points.lot (
  id              text        PRIMARY KEY,
  account_id      text        NOT NULL REFERENCES points.account (id),
  points          integer     NOT NULL CHECK (points > 0),
  remaining       integer     NOT NULL CONSTRAINT lot_remaining_range CHECK (remaining BETWEEN 0 AND points),
  earned_at       timestamptz NOT NULL,
  available_at    timestamptz NOT NULL,
  released_at     timestamptz,
  expires_at      timestamptz NOT NULL,
  origin_entry_id text        NOT NULL UNIQUE REFERENCES points.entry (id),
  order_id        text,
  CHECK (expires_at > available_at)
);
CREATE INDEX lot_account_fifo ON points.lot (account_id, expires_at, earned_at, id) WHERE remaining > 0;
CREATE INDEX lot_due ON points.lot (expires_at) WHERE remaining > 0;
CREATE INDEX lot_pending_due ON points.lot (available_at) WHERE released_at IS NULL AND remaining > 0;
CREATE INDEX lot_order ON points.lot (order_id) WHERE order_id IS NOT NULL;

-- Which lots each entry moved and by how much (signed): a credit fills its lot, a debit takes from lots (FIFO), a
-- reversal of a debit gives back exactly what it took. Per lot, the sum of its movements is its remaining points.
CREATE TABLE points.lot_movement (
  entry_id text    NOT NULL REFERENCES points.entry (id),
  lot_id   text    NOT NULL REFERENCES points.lot (id),
  points   integer NOT NULL CHECK (points <> 0),
  PRIMARY KEY (entry_id, lot_id)
);
CREATE INDEX lot_movement_lot ON points.lot_movement (lot_id);

-- The audit trail of manual adjustments (adjustPoints): who, in which role and scope, and why.
CREATE TABLE points.adjustment (
  entry_id   text        PRIMARY KEY REFERENCES points.entry (id),
  actor      text        NOT NULL,
  role       text        NOT NULL,
  scope      text        NOT NULL,
  reason     text        NOT NULL,
  points     integer     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- What each paid member order earned (orders.order.paid, or earnPoints with an orderId), so an order earns once
-- and its refunds take back at most what it earned. shortfall: points a refund should have taken back but the
-- member had already spent (the balance never goes below 0).
CREATE TABLE points.order_points (
  order_id      text        PRIMARY KEY,
  account_id    text        NOT NULL REFERENCES points.account (id),
  earn_entry_id text        REFERENCES points.entry (id),
  lot_id        text        REFERENCES points.lot (id),
  paid_fen      bigint      NOT NULL CHECK (paid_fen >= 0),
  earned        integer     NOT NULL CHECK (earned >= 0),
  reversed      integer     NOT NULL DEFAULT 0 CHECK (reversed >= 0),
  shortfall     integer     NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
  refunded_fen  bigint      NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (reversed + shortfall <= earned)
);
CREATE INDEX order_points_account ON points.order_points (account_id);

-- Refunds applied (orders.order.refunded), one row per refund id: a refund published twice takes back once. A
-- refund can arrive before its order's payment (two topics, no order between them): the order's earn then takes
-- back what the refunds so far (the largest refunded_fen, any fully_refunded) ask for.
CREATE TABLE points.order_refund (
  refund_id      text        PRIMARY KEY,
  order_id       text        NOT NULL,
  paid_fen       bigint      NOT NULL CHECK (paid_fen >= 0),
  refunded_fen   bigint      NOT NULL CHECK (refunded_fen >= 0),
  fully_refunded boolean     NOT NULL,
  taken          integer     NOT NULL CHECK (taken >= 0),
  shortfall      integer     NOT NULL CHECK (shortfall >= 0),
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX order_refund_order ON points.order_refund (order_id);
