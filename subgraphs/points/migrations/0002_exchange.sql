-- points subgraph: partner agreements (异业合作), rate-locked exchange quotes, committed exchanges (积分异业兑换) and
-- the settlement ledger between the brands (异业结算). Like the points ledger, settlement entries are append-only: a
-- reversal books a negative entry in its own period, so the statement of a closed period never changes.

-- The ledger learns the exchange kinds and links an entry to its exchange.
ALTER TABLE points.entry DROP CONSTRAINT entry_kind_check;
ALTER TABLE points.entry ADD CONSTRAINT entry_kind_check
  CHECK (kind IN ('EARN', 'REDEEM', 'EXPIRE', 'REVERSAL', 'ADJUST', 'MERGE_OUT', 'MERGE_IN', 'EXCHANGE_OUT', 'EXCHANGE_IN'));
ALTER TABLE points.entry DROP CONSTRAINT entry_check1;
ALTER TABLE points.entry ADD CONSTRAINT entry_kind_sign CHECK (
  (kind IN ('EARN', 'MERGE_IN', 'EXCHANGE_IN') AND points > 0) OR (kind IN ('REDEEM', 'EXPIRE', 'MERGE_OUT', 'EXCHANGE_OUT') AND points < 0) OR kind IN ('REVERSAL', 'ADJUST')
);
ALTER TABLE points.entry ADD COLUMN exchange_id text;
-- Velocity limit of exchanges: an account's exchanges out of the last minute.
CREATE INDEX entry_account_exchange_out ON points.entry (account_id, created_at) WHERE kind = 'EXCHANGE_OUT';

-- An agreement lets members move points from from_brand to to_brand at rate_from:rate_to. Proposed by one brand's
-- admin (proposed_by_brand_id), accepted by the other's (accepted_at); it can be switched on only once accepted.
-- Its terms never change after creation (a new rate is a new agreement), so a statement prices every exchange alike.
CREATE TABLE points.partner_agreement (
  id                    text        PRIMARY KEY,
  from_brand_id         text        NOT NULL,
  to_brand_id           text        NOT NULL,
  rate_from             integer     NOT NULL CHECK (rate_from BETWEEN 1 AND 1000000),
  rate_to               integer     NOT NULL CHECK (rate_to BETWEEN 1 AND 1000000),
  min_points            integer     NOT NULL CHECK (min_points >= 1),
  daily_limit           integer     NOT NULL,
  price_per_point_fen   bigint      NOT NULL CHECK (price_per_point_fen >= 0),
  currency              text        NOT NULL,
  valid_from            timestamptz NOT NULL,
  valid_to              timestamptz,
  active                boolean     NOT NULL DEFAULT false,
  proposed_by_brand_id  text        NOT NULL,
  proposed_by           text        NOT NULL,
  accepted_at           timestamptz,
  accepted_by           text,
  created_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (from_brand_id <> to_brand_id),
  CHECK (daily_limit >= min_points),
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK (proposed_by_brand_id IN (from_brand_id, to_brand_id)),
  CHECK (NOT active OR accepted_at IS NOT NULL)
);
CREATE INDEX partner_agreement_from_brand ON points.partner_agreement (from_brand_id, created_at DESC, id DESC);
CREATE INDEX partner_agreement_to_brand ON points.partner_agreement (to_brand_id, created_at DESC, id DESC);

-- A quote locks the agreement's rate and price for 60 seconds for one person (one_id) moving from_points of the
-- from member's points to the to member (same one_id, as members said before the quote was written).
CREATE TABLE points.exchange_quote (
  id                  text        PRIMARY KEY,
  agreement_id        text        NOT NULL REFERENCES points.partner_agreement (id),
  from_brand_id       text        NOT NULL,
  to_brand_id         text        NOT NULL,
  from_member_id      text        NOT NULL,
  to_member_id        text        NOT NULL,
  one_id              text        NOT NULL,
  from_points         integer     NOT NULL CHECK (from_points > 0),
  to_points           integer     NOT NULL CHECK (to_points > 0),
  rate_from           integer     NOT NULL,
  rate_to             integer     NOT NULL,
  price_per_point_fen bigint      NOT NULL,
  currency            text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at          timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX exchange_quote_from_member ON points.exchange_quote (from_member_id);

-- A committed exchange: one EXCHANGE_OUT entry at from_brand, one EXCHANGE_IN entry (and its lot) at to_brand, at most
-- one per quote. A reversal adds a REVERSAL entry on each side (from_reversal_entry_id, to_reversal_entry_id).
CREATE TABLE points.exchange (
  id                     text        PRIMARY KEY,
  quote_id               text        NOT NULL UNIQUE REFERENCES points.exchange_quote (id),
  agreement_id           text        NOT NULL REFERENCES points.partner_agreement (id),
  one_id                 text        NOT NULL,
  from_account_id        text        NOT NULL REFERENCES points.account (id),
  to_account_id          text        NOT NULL REFERENCES points.account (id),
  from_entry_id          text        NOT NULL UNIQUE REFERENCES points.entry (id),
  to_entry_id            text        NOT NULL UNIQUE REFERENCES points.entry (id),
  to_lot_id              text        NOT NULL REFERENCES points.lot (id),
  from_points            integer     NOT NULL CHECK (from_points > 0),
  to_points              integer     NOT NULL CHECK (to_points > 0),
  idempotency_key        text        NOT NULL,
  committed_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  reversed_at            timestamptz,
  reversal_reason        text,
  reversed_by            text,
  from_reversal_entry_id text        REFERENCES points.entry (id),
  to_reversal_entry_id   text        REFERENCES points.entry (id),
  CHECK ((reversed_at IS NULL) = (from_reversal_entry_id IS NULL) AND (reversed_at IS NULL) = (to_reversal_entry_id IS NULL))
);
-- The daily limit: one person's exchanges under an agreement since the start of the day.
CREATE INDEX exchange_agreement_person ON points.exchange (agreement_id, one_id, committed_at);

-- The settlement ledger between the brands: one EXCHANGE entry per commit, one REVERSAL entry (negated figures) per
-- reversal, each booked at its own time. A period's statement sums the entries booked in it and nothing else.
-- amount_fen = points_in × the agreement's price per point: what from_brand owes to_brand.
CREATE TABLE points.settlement_entry (
  id            text        PRIMARY KEY,
  agreement_id  text        NOT NULL REFERENCES points.partner_agreement (id),
  exchange_id   text        NOT NULL REFERENCES points.exchange (id),
  kind          text        NOT NULL CHECK (kind IN ('EXCHANGE', 'REVERSAL')),
  exchanges     integer     NOT NULL CHECK ((kind = 'EXCHANGE' AND exchanges = 1) OR (kind = 'REVERSAL' AND exchanges = -1)),
  points_out    integer     NOT NULL,
  points_in     integer     NOT NULL,
  amount_fen    bigint      NOT NULL,
  currency      text        NOT NULL,
  booked_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (exchange_id, kind)
);
CREATE INDEX settlement_entry_agreement_booked ON points.settlement_entry (agreement_id, booked_at, exchange_id);
