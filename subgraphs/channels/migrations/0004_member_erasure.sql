-- channels: PIPL erasure (members.member.erased, docs/events.md). The channel accounts channels copied of a member
-- (a coupon's openid or Alipay user id, a WeCom contact's external_userid) are dropped; the rows keep their ids,
-- amounts and statuses. One row per erased member, so a contact of it arriving later (a members.guide.handover applied
-- after the erasure: nothing orders two topics) is not stored again.
CREATE TABLE channels.erased_member (
  member_id  text        PRIMARY KEY,
  brand_id   text        NOT NULL,
  erased_at  timestamptz NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Null once the member was erased.
ALTER TABLE channels.channel_coupon ALTER COLUMN external_user_id DROP NOT NULL;
ALTER TABLE channels.wecom_transfer ALTER COLUMN external_user_id DROP NOT NULL;
