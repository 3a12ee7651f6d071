-- The PostgreSQL event transport (embedded default; Redis Streams replaces it when REDIS_URL is set).
-- Publishing holds a per-topic advisory lock until commit, so within a topic position order is commit order:
-- a reader past position P never misses a later-committed smaller position.
CREATE TABLE {{schema}}.event_log (
  position     bigserial   PRIMARY KEY,
  id           uuid        NOT NULL,
  topic        text        NOT NULL,
  envelope     jsonb       NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_log_topic_position ON {{schema}}.event_log (topic, position);

-- How far each (topic, group) has handed events out.
CREATE TABLE {{schema}}.consumer_group (
  topic      text   NOT NULL,
  group_name text   NOT NULL,
  position   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, group_name)
);

-- Events handed out but not acked yet; one whose claim expired is handed out again.
CREATE TABLE {{schema}}.pending_delivery (
  topic         text        NOT NULL,
  group_name    text        NOT NULL,
  position      bigint      NOT NULL,
  consumer      text        NOT NULL,
  claimed_until timestamptz NOT NULL,
  deliveries    integer     NOT NULL DEFAULT 1,
  PRIMARY KEY (topic, group_name, position)
);
CREATE INDEX pending_delivery_claimed_until ON {{schema}}.pending_delivery (topic, group_name, claimed_until);
