import crypto from 'node:crypto';

// The platform order id of a pulled Tmall or JD trade (docs/events.md, channels.order.upserted `orderId`): the same
// for every record of the trade, on every pull and every connection, with nothing stored. orders upserts channel
// orders by (channel, externalOrderId), so this id names exactly the order orders keeps for the trade.

/** The UUID namespace of channel order ids (fixed: changing it would give every trade a second id). */
const CHANNEL_ORDER_NAMESPACE = '6f1c2b9e-3d47-4c5a-9b8e-0a7d1e5f2c63';

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `ord-` + the UUID v5 of `<channel>:<externalOrderId>`: an id shaped like every other order id (newId('ord')). */
export function channelOrderId(channel: 'TMALL' | 'JD', externalOrderId: string): string {
  return `ord-${uuidV5(CHANNEL_ORDER_NAMESPACE, `${channel}:${externalOrderId}`)}`;
}
