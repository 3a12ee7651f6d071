-- channels: a pulled order's buyer is kept and published as its account's keyed ref, never its open id (docs/events.md,
-- "Channel accounts between subgraphs"); members.member.erased names the erased member's accounts by the same refs.

-- The accounts of erased members (by ref): a record of an order the person placed before the erasure, pulled again
-- later (a status change), is stored and published without its buyer.
CREATE TABLE channels.erased_account (
  ref       text        PRIMARY KEY,
  brand_id  text        NOT NULL,
  erased_at timestamptz NOT NULL
);

-- The erasure finds the stored records and the published events of an account by its ref.
CREATE INDEX inbound_event_buyer_ref ON channels.inbound_event ((facts -> 'order' -> 'buyer' ->> 'ref'))
  WHERE facts -> 'order' -> 'buyer' ->> 'ref' IS NOT NULL;
CREATE INDEX outbox_buyer_ref ON channels.outbox ((payload -> 'buyer' ->> 'ref'))
  WHERE topic = 'channels.order.upserted' AND payload -> 'buyer' ->> 'ref' IS NOT NULL;

-- Records and events stored before refs carried the buyer's open id, which no erasure could match: they lose it.
UPDATE channels.inbound_event SET facts = jsonb_set(facts, '{order,buyer}', 'null'::jsonb)
 WHERE facts -> 'order' -> 'buyer' -> 'externalId' IS NOT NULL;
UPDATE channels.outbox SET payload = jsonb_set(payload, '{buyer}', 'null'::jsonb)
 WHERE topic = 'channels.order.upserted' AND payload -> 'buyer' -> 'externalId' IS NOT NULL;
