-- Events (DESIGN §6): the writer inserts into its outbox in the same transaction as the change;
-- the relay publishes rows in seq order and stamps published_at. Rows stay after publishing, for audit.
CREATE TABLE {{schema}}.outbox (
  seq          bigserial   NOT NULL UNIQUE,
  id           uuid        PRIMARY KEY,
  topic        text        NOT NULL,
  key          text        NOT NULL,
  payload      jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts     integer     NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX outbox_unpublished ON {{schema}}.outbox (seq) WHERE published_at IS NULL;

-- A consumer applies an event and records it here in one transaction: a redelivery has no second effect.
CREATE TABLE {{schema}}.processed_events (
  consumer_group text        NOT NULL,
  event_id       uuid        NOT NULL,
  topic          text        NOT NULL,
  processed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
CREATE INDEX processed_events_processed_at ON {{schema}}.processed_events (processed_at);
