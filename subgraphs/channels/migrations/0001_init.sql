-- channels subgraph: the brands' accounts on external channels (connections) with their credentials encrypted at
-- rest, and every inbound event (provider notification) stored once with what became of it.
-- Every table is schema-qualified; ids are text. docs/architecture.md §4 (fencing by brand), §6 (outbox).

-- A brand's (or one of its stores') account on a channel. Nothing here is secret: the secrets are in
-- channels.credential, encrypted.
CREATE TABLE channels.connection (
  id                 text        PRIMARY KEY,
  channel            text        NOT NULL CHECK (channel IN ('TMALL', 'JD', 'ALIPAY', 'WECHAT_PAY', 'WECHAT_MINIPROGRAM', 'WECOM')),
  brand_id           text        NOT NULL,
  store_id           text,
  app_id             text        NOT NULL,
  merchant_id        text,
  api_base_url       text        NOT NULL,
  status             text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
  disabled_reason    text,
  -- Names of the secrets set (ChannelSecretsInput field names), never their values.
  configured_secrets text[]      NOT NULL DEFAULT '{}',
  secrets_updated_at timestamptz,
  last_sync_at       timestamptz,
  last_error         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- channelConnections(brandId): brand-wide ones first, then by age.
CREATE INDEX connection_brand ON channels.connection (brand_id, (store_id IS NOT NULL), created_at, id);
-- One ACTIVE connection per account of a channel (the same app and merchant connected twice would take every callback twice).
CREATE UNIQUE INDEX connection_account ON channels.connection (channel, app_id, coalesce(merchant_id, '')) WHERE status = 'ACTIVE';

-- The secrets of a connection, one row per version: the JSON of ChannelSecretsInput encrypted with AES-256-GCM under
-- a key derived from CHANNEL_SECRET_KEY (src/domain/credential-cipher.ts), `key_id` naming that key. The newest
-- version (accepted_until NULL) is current; an older one still verifies callbacks until accepted_until (the
-- rotation's overlap) and is never used to sign.
CREATE TABLE channels.credential (
  connection_id  text        NOT NULL REFERENCES channels.connection (id),
  version        integer     NOT NULL CHECK (version >= 1),
  key_id         text        NOT NULL,
  ciphertext     bytea       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  accepted_until timestamptz,
  PRIMARY KEY (connection_id, version)
);
CREATE UNIQUE INDEX credential_current ON channels.credential (connection_id) WHERE accepted_until IS NULL;
CREATE INDEX credential_key ON channels.credential (key_id);

-- Every inbound event (a provider's notification), with what became of it. A provider's event id (Alipay
-- notify_id, WeChat Pay notification id) is ACCEPTED or FAILED at most once per connection: a redelivery of an
-- ACCEPTED one is stored as DUPLICATE, a REJECTED one (failed verification: anybody can post) claims nothing.
-- `facts` are the verified facts the event means (e.g. the payment), kept so a FAILED one can be replayed.
CREATE TABLE channels.inbound_event (
  id            text        PRIMARY KEY,
  connection_id text        NOT NULL REFERENCES channels.connection (id),
  brand_id      text        NOT NULL,
  channel       text        NOT NULL,
  event_type    text        NOT NULL,
  external_id   text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('ACCEPTED', 'DUPLICATE', 'REJECTED', 'FAILED')),
  error         text,
  order_id      text,
  facts         jsonb,
  attempts      integer     NOT NULL DEFAULT 1,
  received_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inbound_event_once ON channels.inbound_event (connection_id, external_id) WHERE status IN ('ACCEPTED', 'FAILED');
-- channelEvents(connectionId, status): newest first.
CREATE INDEX inbound_event_connection ON channels.inbound_event (connection_id, received_at DESC, id DESC);
CREATE INDEX inbound_event_status ON channels.inbound_event (connection_id, status, received_at DESC, id DESC);
