-- Idempotent mutations (DESIGN §7): the first response for (scope, operation, key) is kept with the request's hash.
CREATE TABLE {{schema}}.idempotency_keys (
  scope        text        NOT NULL,
  operation    text        NOT NULL,
  key          text        NOT NULL,
  request_hash text        NOT NULL,
  response     jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, operation, key)
);
CREATE INDEX idempotency_keys_created_at ON {{schema}}.idempotency_keys (created_at);
