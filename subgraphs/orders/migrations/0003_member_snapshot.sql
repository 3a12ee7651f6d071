-- The member as it was when the order was placed (members' memberFacts): its home store and tier, which
-- orders.order.paid passes on (docs/events.md) so points can fence balances by home store and earn by tier.
ALTER TABLE orders."order" ADD COLUMN member_home_store_id text;
ALTER TABLE orders."order" ADD COLUMN member_tier_code text;
