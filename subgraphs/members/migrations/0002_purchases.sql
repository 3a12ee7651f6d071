-- members' read models of other subgraphs' facts (docs/events.md): paid orders from orders.order.paid and
-- orders.order.refunded (store member metrics, tier by spend), earned points from points.earn.booked (tier by points).

-- One row per paid order; member_id is null for a guest (a purchase without membership).
CREATE TABLE members.purchase (
  order_id     text        PRIMARY KEY,
  brand_id     text        NOT NULL,
  store_id     text,
  member_id    text,
  guide_id     text,
  channel      text        NOT NULL,
  -- Sold in the store (POS, or a guide's order at the counter): what the non-member join rate counts.
  in_store     boolean     NOT NULL,
  paid_fen     bigint      NOT NULL CHECK (paid_fen >= 0),
  refunded_fen bigint      NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
  currency     text        NOT NULL,
  paid_at      timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_member ON members.purchase (member_id, paid_at) WHERE member_id IS NOT NULL;
CREATE INDEX purchase_store ON members.purchase (store_id, paid_at);

-- Points a member earned (positive) or had reversed (negative), one row per ledger entry.
CREATE TABLE members.points_earned (
  entry_id  text        PRIMARY KEY,
  brand_id  text        NOT NULL,
  member_id text        NOT NULL,
  points    integer     NOT NULL,
  booked_at timestamptz NOT NULL
);
CREATE INDEX points_earned_member ON members.points_earned (member_id, booked_at);
