-- channels, outbound calls (docs/events.md: orders.refund.requested, members.guide.handover, stores.guide.changed):
-- refunds sent to Alipay / WeChat Pay, WeCom customer transfers. Each row is recorded by a consumer inside its
-- transaction and sent later by a job (never a provider call inside a transaction, docs/architecture.md §8); a job
-- claims rows with a lease (lease_until, lease_id), so replicas never send one row at once, and writes the answer
-- only while it still holds the lease.

-- A refund orders asked for (orders.refund.requested), sent with refund_id as the provider's out_refund_no /
-- out_request_no, so sending it again is the same refund at the provider. PENDING: not sent or to send again;
-- PROCESSING: the provider took it and has not finished (asked again later); SUCCEEDED: channels.refund.succeeded
-- was appended to the outbox in the same transaction; REFUSED: the provider refused it for good (reason in last_error).
CREATE TABLE channels.outbound_refund (
  refund_id               text        PRIMARY KEY,
  order_id                text        NOT NULL,
  brand_id                text        NOT NULL,
  provider                text        NOT NULL CHECK (provider IN ('ALIPAY', 'WECHAT_PAY')),
  provider_transaction_id text,
  amount_fen              bigint      NOT NULL CHECK (amount_fen > 0),
  paid_fen                bigint      NOT NULL CHECK (paid_fen > 0),
  currency                text        NOT NULL,
  reason                  text,
  requested_at            timestamptz NOT NULL,
  connection_id           text,
  status                  text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'SUCCEEDED', 'REFUSED')),
  attempts                integer     NOT NULL DEFAULT 0,
  next_attempt_at         timestamptz NOT NULL DEFAULT now(),
  lease_id                text,
  lease_until             timestamptz,
  last_error              text,
  provider_refund_no      text,
  refunded_at             timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_refund_due ON channels.outbound_refund (next_attempt_at) WHERE status IN ('PENDING', 'PROCESSING');
CREATE INDEX outbound_refund_order ON channels.outbound_refund (order_id);

-- The guides as stores.guide.changed states them: the WeCom userid a handover is sent with.
CREATE TABLE channels.guide_directory (
  guide_id      text        PRIMARY KEY,
  brand_id      text        NOT NULL,
  store_id      text        NOT NULL,
  wecom_user_id text,
  status        text        NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A members.guide.handover applied (one row per handover id: applying it again records nothing twice).
CREATE TABLE channels.guide_handover (
  handover_id text        PRIMARY KEY,
  brand_id    text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('ASSIGN', 'INHERIT')),
  at          timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- One WeCom external contact of a member moving with the member's guide. PENDING: to send (again); WAITING: WeCom
-- took it (等待接替), transfer_result is polled until final; TAKEN_OVER (接替完毕), REFUSED (客户拒绝),
-- LIMIT_REACHED (接替成员客户达到上限) and FAILED (a refusal or an errcode that retrying cannot change) are final.
CREATE TABLE channels.wecom_transfer (
  id               text        PRIMARY KEY,
  handover_id      text        NOT NULL REFERENCES channels.guide_handover (handover_id),
  brand_id         text        NOT NULL,
  -- The store of the guide the customers leave (from channels.guide_directory when recorded; null when unknown then).
  store_id         text,
  kind             text        NOT NULL CHECK (kind IN ('ASSIGN', 'INHERIT')),
  member_id        text        NOT NULL,
  from_guide_id    text        NOT NULL,
  to_guide_id      text        NOT NULL,
  corp_id          text        NOT NULL,
  external_user_id text        NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'WAITING', 'TAKEN_OVER', 'REFUSED', 'LIMIT_REACHED', 'FAILED')),
  -- The WeCom userids it was sent with (from channels.guide_directory when sent).
  handover_user_id text,
  takeover_user_id text,
  connection_id    text,
  errcode          integer,
  last_error       text,
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_id         text,
  lease_until      timestamptz,
  sent_at          timestamptz,
  taken_over_at    timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (handover_id, member_id, corp_id, external_user_id)
);
CREATE INDEX wecom_transfer_due ON channels.wecom_transfer (next_attempt_at) WHERE status IN ('PENDING', 'WAITING');
-- wecomTransfers(handoverId): in a stable order (recorded time, then id).
CREATE INDEX wecom_transfer_handover ON channels.wecom_transfer (handover_id, created_at, id);

-- Coupons issued to members through WeChat Pay (代金券) or Alipay (领券), one per issuing request: out_request_no is
-- derived from the caller's idempotencyKey, so a retried issue is the same coupon at the provider. ISSUED until the
-- provider reports it used or expired (polled, next_check_at) or a store redeems it (核销, redeemed_store_id).
CREATE TABLE channels.channel_coupon (
  id                 text        PRIMARY KEY,
  connection_id      text        NOT NULL REFERENCES channels.connection (id),
  brand_id           text        NOT NULL,
  member_id          text        NOT NULL,
  -- The member's home store when issued (its staff serve the member, docs/architecture.md §4).
  home_store_id      text,
  provider           text        NOT NULL CHECK (provider IN ('WECHAT_PAY', 'ALIPAY')),
  campaign_id        text        NOT NULL,
  -- The account that received it: the WeChat appid and openid (or Alipay app_id and user id).
  app_id             text        NOT NULL,
  external_user_id   text        NOT NULL,
  out_request_no     text        NOT NULL,
  provider_coupon_id text,
  status             text        NOT NULL DEFAULT 'ISSUED' CHECK (status IN ('ISSUED', 'REDEEMED', 'EXPIRED')),
  issued_at          timestamptz NOT NULL DEFAULT now(),
  redeemed_at        timestamptz,
  redeemed_store_id  text,
  next_check_at      timestamptz NOT NULL DEFAULT now() + interval '1 hour',
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, out_request_no)
);
-- Member.coupons: newest first.
CREATE INDEX channel_coupon_member ON channels.channel_coupon (member_id, issued_at DESC, id DESC);
CREATE INDEX channel_coupon_check ON channels.channel_coupon (next_check_at) WHERE status = 'ISSUED';
