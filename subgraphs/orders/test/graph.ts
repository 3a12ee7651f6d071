import { SUBGRAPHS } from '@retail/graph';
import { peersTo, startSubgraphForTest, storeOperatorsPeer, type SubgraphHarness, type SubgraphHarnessOptions } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';
import { ordersSubgraph } from '../src';
import { DEMO_DIRECTORY_AS_OF } from '../src/demo/data';

/** A subgraph of the registry (the tests of orders run the real products and members beside it). */
const registered = (name: string) => {
  const s = SUBGRAPHS.find((x) => x.name === name);
  if (!s) throw new Error(`no subgraph ${name} in the registry`);
  return s;
};

export interface OrdersUnderTest {
  orders: SubgraphHarness;
  products: SubgraphHarness;
  members: SubgraphHarness;
  /** The stores subgraph's storeOperators, answered from the demo stores. */
  stores: ReturnType<typeof storeOperatorsPeer>;
  close(): Promise<void>;
}

/**
 * orders with the real products and members subgraphs it calls (sellableSkus, reserveStock/releaseStock,
 * memberFacts), each on a fresh seeded database, and a stand-in for stores' storeOperators.
 */
export async function startOrders(opts: Pick<SubgraphHarnessOptions, 'database'> = {}): Promise<OrdersUnderTest> {
  const products = await startSubgraphForTest(registered('products'));
  const members = await startSubgraphForTest(registered('members'));
  const stores = storeOperatorsPeer(DEMO_STORES, DEMO_DIRECTORY_AS_OF);
  const orders = await startSubgraphForTest(ordersSubgraph, { ...opts, peers: peersTo({ products: products.url, members: members.url, stores: stores.peers }, undefined, { timeoutMs: 15_000 }) });
  return {
    orders,
    products,
    members,
    stores,
    async close() {
      await orders.close();
      await members.close();
      await products.close();
    },
  };
}

/** Sets a SKU's stock at a store in products' database (on hand, nothing reserved). */
export async function setStock(products: SubgraphHarness, storeId: string, skuId: string, onHand: number): Promise<void> {
  await products.db.query(
    `INSERT INTO products.stock (store_id, sku_id, on_hand, reserved) VALUES ($1, $2, $3, 0)
     ON CONFLICT (store_id, sku_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = 0`,
    [storeId, skuId, onHand],
  );
}

/** A SKU's stock at a store as products has it. */
export async function stockOf(products: SubgraphHarness, storeId: string, skuId: string): Promise<{ onHand: number; reserved: number }> {
  const rows = await products.db.query<{ onHand: number; reserved: number }>(
    `SELECT on_hand AS "onHand", reserved FROM products.stock WHERE store_id = $1 AND sku_id = $2`,
    [storeId, skuId],
  );
  return rows[0] ?? { onHand: 0, reserved: 0 };
}

/** The payloads of a topic in orders' outbox, oldest first. */
export async function outboxPayloads<P = Record<string, unknown>>(orders: SubgraphHarness, topic: string): Promise<P[]> {
  const rows = await orders.db.query<{ payload: P }>(`SELECT payload FROM orders.outbox WHERE topic = $1 ORDER BY seq`, [topic]);
  return rows.map((r) => r.payload);
}

export const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  order { id status channel total { amount currency } member { id } store { id } guide { id } franchisee { id }
    lines { sku { id } title quantity unitPrice { amount } lineTotal { amount } refundedQuantity }
    fulfillment { type pickupStore { id } pickupCode readyAt pickedUpAt } placedAt paidAt }
  userErrors { code field message } } }`;

export interface PlacedOrder {
  id: string;
  status: string;
  channel: string;
  total: { amount: string; currency: string };
  member: { id: string } | null;
  store: { id: string } | null;
  guide: { id: string } | null;
  franchisee: { id: string } | null;
  lines: { sku: { id: string } | null; title: string; quantity: number; unitPrice: { amount: string }; lineTotal: { amount: string }; refundedQuantity: number }[];
  fulfillment: { type: string; pickupStore: { id: string } | null; pickupCode: string | null; readyAt: string | null; pickedUpAt: string | null };
  placedAt: string;
  paidAt: string | null;
}

export interface Payload<K extends string, T> {
  data?: Record<K, { order: T | null; userErrors: { code: string; field: string[] | null; message: string }[] }>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let seq = 0;
/** A fresh idempotencyKey. */
export const key = (prefix = 'k') => `${prefix}-${Date.now().toString(36)}-${++seq}`;

/** An order input for store pickup at store-lng-03 by member mem-lng-0007, with the given lines. */
export const pickupInput = (lines: { skuId: string; quantity: number }[], extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key('place'),
  brandId: 'brand-lng',
  memberId: 'mem-lng-0007',
  channel: 'WECHAT_MINIPROGRAM',
  storeId: 'store-lng-03',
  lines,
  fulfillment: 'STORE_PICKUP',
  ...extra,
});
