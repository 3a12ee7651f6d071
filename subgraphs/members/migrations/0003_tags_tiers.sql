-- Tags (标签) that build segments (圈层) of a brand's members, and tier rules (会员等级规则) with each member's tier
-- history.

-- A brand's tags: staff labels (高净值, 孕期, 敏感肌 …), unique by name within the brand. The unique index also
-- serves Query.tags (a brand's tags by name).
CREATE TABLE members.tag (
  id         text        PRIMARY KEY,
  brand_id   text        NOT NULL,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT tag_brand_name_key UNIQUE (brand_id, name)
);

-- Which member carries which tag. The key serves Member.tags; (tag_id, member_id) serves the tag filter of member
-- lists and Tag.memberCount.
CREATE TABLE members.member_tag (
  member_id text        NOT NULL REFERENCES members.member (id),
  tag_id    text        NOT NULL REFERENCES members.tag (id),
  tagged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (member_id, tag_id)
);
CREATE INDEX member_tag_tag ON members.member_tag (tag_id, member_id);

-- Each tier's thresholds within the brand's rolling window (members.tier_rule): a member qualifies for a tier when
-- it reaches every threshold the tier sets; the entry tier (rank 0) sets none. Null: no such threshold.
ALTER TABLE members.tier
  ADD COLUMN min_spend_fen     bigint  CHECK (min_spend_fen > 0),
  ADD COLUMN min_points_earned integer CHECK (min_points_earned > 0);

-- A brand's tier rules: the rolling window (days ending at the evaluation) over which net spend (paid less
-- refunded, purchases in `currency` only) and points earned are summed. A brand without a row is not evaluated:
-- its members keep their tiers.
CREATE TABLE members.tier_rule (
  brand_id    text        PRIMARY KEY,
  window_days integer     NOT NULL CHECK (window_days BETWEEN 1 AND 3650),
  -- The currency of the spend thresholds; null when no tier sets one.
  currency    text,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Every change of a member's tier, with what the decision saw (spend and points within the window).
CREATE TABLE members.tier_history (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id     text        NOT NULL REFERENCES members.member (id),
  brand_id      text        NOT NULL,
  from_tier     text,
  to_tier       text        NOT NULL,
  reason        text        NOT NULL CHECK (reason IN ('JOINED', 'EVALUATED', 'RULES_CHANGED')),
  spend_fen     bigint,
  currency      text,
  points_earned bigint,
  window_days   integer,
  at            timestamptz NOT NULL,
  CONSTRAINT tier_history_from_fkey FOREIGN KEY (brand_id, from_tier) REFERENCES members.tier (brand_id, code),
  CONSTRAINT tier_history_to_fkey FOREIGN KEY (brand_id, to_tier) REFERENCES members.tier (brand_id, code),
  -- Only joining starts from no tier.
  CHECK ((reason = 'JOINED') = (from_tier IS NULL))
);
CREATE INDEX tier_history_member ON members.tier_history (member_id, at DESC, id DESC);
