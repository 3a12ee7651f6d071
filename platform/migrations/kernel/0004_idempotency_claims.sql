-- A key held by an attempt in flight that calls other services before its transaction (docs/architecture.md §7):
-- parallel duplicates wait for its answer instead of repeating those calls. A claim older than its attempt can
-- live is stale and may be taken over (the attempt crashed).
CREATE TABLE {{schema}}.idempotency_claims (
  scope      text        NOT NULL,
  operation  text        NOT NULL,
  key        text        NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, operation, key)
);
