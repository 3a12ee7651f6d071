-- Merging duplicate members of one brand (mergeMembers, docs/events.md members.member.merged): the merged member stays
-- as a record pointing to its survivor; its identities, tags, guide history, purchases and earned points move to the
-- survivor, and later references to its id resolve to the survivor (following merged_into to the end of a chain).

ALTER TABLE members.member
  ADD COLUMN merged_into text REFERENCES members.member (id),
  ADD COLUMN merged_at   timestamptz,
  ADD CONSTRAINT member_merged_check CHECK ((merged_into IS NULL) = (merged_at IS NULL) AND merged_into IS DISTINCT FROM id);
CREATE INDEX member_merged_into ON members.member (merged_into) WHERE merged_into IS NOT NULL;

-- memberByIdentity for the platform, across brands (the primary key starts with the brand).
CREATE INDEX channel_identity_account ON members.channel_identity (channel, app_id, external_id);

-- The audit of merges: who merged which member into which, when, and how many rows moved (ids and counts only).
CREATE TABLE members.member_merge (
  id                 text        PRIMARY KEY,
  brand_id           text        NOT NULL,
  survivor_id        text        NOT NULL REFERENCES members.member (id),
  merged_id          text        NOT NULL REFERENCES members.member (id),
  -- The caller: the viewer's subject when the token names one, else its scope key (brand:…, platform).
  actor              text        NOT NULL,
  merged_at          timestamptz NOT NULL,
  identities_moved   integer     NOT NULL,
  tags_moved         integer     NOT NULL,
  assignments_moved  integer     NOT NULL,
  purchases_moved    integer     NOT NULL,
  points_rows_moved  integer     NOT NULL,
  -- A member is merged once.
  CONSTRAINT member_merge_merged_key UNIQUE (merged_id)
);
CREATE INDEX member_merge_survivor ON members.member_merge (survivor_id, merged_at);
CREATE INDEX member_merge_brand ON members.member_merge (brand_id, merged_at);
