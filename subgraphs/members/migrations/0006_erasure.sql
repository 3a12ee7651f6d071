-- Personal-data rights (PIPL): a member's birthday, erasure into an anonymous tombstone with its audit row
-- (docs/events.md, members.member.erased); refunds that arrive before their order's paid event, for the purchases
-- read model of 0002_purchases.sql; and the index store member metrics count new members by.

ALTER TABLE members.member
  ADD COLUMN birthday date,
  -- Set when the member's personal data was erased (eraseMember): the row stays, anonymous, so the orders and the
  -- points ledger that name the member stay consistent.
  ADD COLUMN erased_at timestamptz;

-- A tombstone holds no name, phone or birthday.
ALTER TABLE members.member ADD CONSTRAINT member_erased_is_anonymous CHECK (
  erased_at IS NULL OR (display_name IS NULL AND phone_cipher IS NULL AND phone_hash IS NULL AND phone_masked IS NULL AND birthday IS NULL)
);

-- The audit of erasures: who erased which member, when and why; no personal data of the member.
CREATE TABLE members.member_erasure (
  id            text        PRIMARY KEY,
  member_id     text        NOT NULL REFERENCES members.member (id),
  brand_id      text        NOT NULL,
  -- The caller: its role, the partition of its scope (e.g. brand:brand-lng) and its token subject when it had one.
  actor_role    text        NOT NULL,
  actor_scope   text        NOT NULL,
  actor_subject text,
  reason        text        NOT NULL,
  erased_at     timestamptz NOT NULL,
  -- A member is erased once.
  CONSTRAINT member_erasure_member_key UNIQUE (member_id)
);
CREATE INDEX member_erasure_brand ON members.member_erasure (brand_id, erased_at DESC);

-- The highest refundedFen orders.order.refunded reported per order, kept whether or not the order's paid event has
-- arrived: paid and refunded travel on two topics, which are not ordered with each other (docs/events.md), so a
-- refund may come first; the purchase takes it when it is inserted (repo/purchases.ts).
CREATE TABLE members.order_refund (
  order_id     text        PRIMARY KEY,
  brand_id     text        NOT NULL,
  refunded_fen bigint      NOT NULL CHECK (refunded_fen >= 0),
  refunded_at  timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Store member metrics: members who joined at a store in a period (newMembers, nonMemberJoinRate).
CREATE INDEX member_join_store ON members.member (join_store_id, joined_at) WHERE join_store_id IS NOT NULL;
