-- channels: Order.channelOrigin (docs/events.md, "Order.channelOrigin"): the latest ACCEPTED inbound event of each
-- order, for many orders in one statement (DISTINCT ON order_id). Pulled Tmall/JD records carry their order's id from
-- now on (channels.order.upserted orderId); payment and refund notifications always did (out_trade_no). Also serves
-- the refund sender's "connection that took the order's payment".
CREATE INDEX inbound_event_order ON channels.inbound_event (order_id, received_at DESC, id DESC) WHERE status = 'ACCEPTED' AND order_id IS NOT NULL;
