-- members subgraph: the members (会员) of each brand with their OneID, channel identities, tier and exclusive
-- guide (专属导购), and its copies of the stores subgraph's facts it fences and checks by.
-- Every table is schema-qualified; ids are text.

-- What members knows about stores (owned by the stores subgraph), kept current by 'stores.store.changed'.
-- Used to fence members by their home store's operator (docs/architecture.md §4, §6).
CREATE TABLE members.store_directory (
  store_id      text        PRIMARY KEY,
  brand_id      text        NOT NULL,
  franchisee_id text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_directory_franchisee ON members.store_directory (franchisee_id);

-- What members knows about guides (owned by the stores subgraph), kept current by 'stores.guide.changed'.
-- Used to check the guide a member joins through and to tell which guides' customers a caller may list.
CREATE TABLE members.guide_directory (
  guide_id   text        PRIMARY KEY,
  brand_id   text        NOT NULL,
  store_id   text        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guide_directory_store ON members.guide_directory (store_id);

-- A brand's membership tiers (会员等级); rank 0 is the entry tier a member joins at.
CREATE TABLE members.tier (
  brand_id text    NOT NULL,
  code     text    NOT NULL,
  name     text    NOT NULL,
  rank     integer NOT NULL CHECK (rank >= 0),
  PRIMARY KEY (brand_id, code),
  CONSTRAINT tier_brand_rank_key UNIQUE (brand_id, rank)
);

CREATE TABLE members.member (
  id             text        PRIMARY KEY,
  brand_id       text        NOT NULL,
  -- The same value for one person across brands (derived from the phone's keyed hash, or found by unionId).
  one_id         text        NOT NULL,
  display_name   text,
  -- The mobile number: AES-256-GCM ciphertext (never readable through the graph), its keyed hash (HMAC-SHA256)
  -- for lookups, and the masked form the graph shows (138****5678).
  phone_cipher   text,
  phone_hash     text,
  phone_masked   text,
  tier_code      text        NOT NULL,
  -- Where and through whom the member joined (入会来源).
  join_channel   text        NOT NULL CHECK (join_channel IN ('TMALL', 'JD', 'ALIPAY', 'WECHAT', 'WECOM', 'POS')),
  join_store_id  text,
  join_guide_id  text,
  -- Home store (归属门店): its staff and operator may see the member.
  home_store_id  text,
  -- The current exclusive guide: always the guide of the member's open guide_assignment row (same transaction).
  guide_id       text,
  guide_bound_at timestamptz,
  joined_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT member_tier_fkey FOREIGN KEY (brand_id, tier_code) REFERENCES members.tier (brand_id, code),
  -- One member per person and brand: a phone joins a brand once.
  CONSTRAINT member_brand_phone_key UNIQUE (brand_id, phone_hash),
  CHECK ((guide_id IS NULL) = (guide_bound_at IS NULL))
);
-- Newest first, keyset pagination: all, per brand, per home store, per guide (newest binding first).
CREATE INDEX member_newest ON members.member (joined_at DESC, id DESC);
CREATE INDEX member_brand_newest ON members.member (brand_id, joined_at DESC, id DESC);
CREATE INDEX member_home_store_newest ON members.member (home_store_id, joined_at DESC, id DESC);
CREATE INDEX member_guide_newest ON members.member (guide_id, guide_bound_at DESC, id DESC);
-- OneID: the same person across brands.
CREATE INDEX member_one_id ON members.member (one_id);
CREATE INDEX member_phone_hash ON members.member (phone_hash);

-- A member's account on one channel app, unique per (brand, channel, appId, externalId): never bound twice.
CREATE TABLE members.channel_identity (
  brand_id    text        NOT NULL,
  channel     text        NOT NULL CHECK (channel IN ('TMALL', 'JD', 'ALIPAY', 'WECHAT', 'WECOM', 'POS')),
  app_id      text        NOT NULL,
  external_id text        NOT NULL,
  member_id   text        NOT NULL REFERENCES members.member (id),
  union_id    text,
  bound_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT channel_identity_pkey PRIMARY KEY (brand_id, channel, app_id, external_id)
);
CREATE INDEX channel_identity_member ON members.channel_identity (member_id, bound_at);
CREATE INDEX channel_identity_union ON members.channel_identity (union_id) WHERE union_id IS NOT NULL;

-- Guide bindings (专属导购), kept after they end: the member's guide history.
CREATE TABLE members.guide_assignment (
  id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id text        NOT NULL REFERENCES members.member (id),
  guide_id  text        NOT NULL,
  reason    text        NOT NULL CHECK (reason IN ('JOINED_VIA', 'ASSIGNED', 'REASSIGNED', 'INHERITED_ON_LEAVE')),
  from_at   timestamptz NOT NULL,
  to_at     timestamptz,
  CHECK (to_at IS NULL OR to_at >= from_at)
);
-- One exclusive guide per member: at most one open binding.
CREATE UNIQUE INDEX guide_assignment_current ON members.guide_assignment (member_id) WHERE to_at IS NULL;
CREATE INDEX guide_assignment_member ON members.guide_assignment (member_id, from_at DESC, id DESC);
