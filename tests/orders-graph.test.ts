// Orders through the gateway, end to end: placing and paying orders as clients do, the events that carry a paid
// order to members and points, a merge reaching orders, the operator fence, and the member-360 query whose SQL per
// subgraph does not grow with the number of orders (docs/events.md, docs/architecture.md §4, §6).
import { requestSqlStatements } from '@retail/platform/testing';
import { SUBGRAPHS } from '@retail/graph';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';
import { eventually } from './support/eventually';

let graph: TestGraph;
const tokens: Record<string, string> = {};
const SKU = 'sku-lng-br-2401-bk-70b'; // 299.00 at store-lng-03

beforeAll(async () => {
  graph = await startTestGraph();
  tokens.platform = await tokenFor({ role: 'PLATFORM_ADMIN' });
  tokens.lngAdmin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng' });
  tokens.lngMerger = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['members:merge'] });
  tokens.member7 = await tokenFor({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0007' });
  tokens.staff03 = await tokenFor({ role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' });
  tokens.franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  tokens.franchiseeB = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' });
});
afterAll(async () => {
  await graph.close();
});

async function ok<D>(query: string, variables: Record<string, unknown>, token: string): Promise<D> {
  const res = await graph.query<D>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

let seq = 0;
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status total { amount } member { id } guide { id } } userErrors { code field } } }`;
type Placed = { placeOrder: { order: { id: string; status: string; total: { amount: string }; member: { id: string } | null; guide: { id: string } | null } | null; userErrors: { code: string }[] } };

async function place(token: string, input: Record<string, unknown>): Promise<NonNullable<Placed['placeOrder']['order']>> {
  const out = await ok<Placed>(PLACE, { input: { idempotencyKey: `e2e-order-${++seq}`, brandId: 'brand-lng', lines: [{ skuId: SKU, quantity: 1 }], ...input } }, token);
  expect(out.placeOrder.userErrors).toEqual([]);
  return out.placeOrder.order!;
}

test('a sale at the till, paid in cash, reaches members (purchases) and points (earned, pending) by events', async () => {
  const order = await place(tokens.staff03!, { memberId: 'mem-lng-0007', channel: 'POS', storeId: 'store-lng-03', fulfillment: 'DELIVERY' });
  // the member's exclusive guide at order time is credited (导购业绩归属)
  expect(order).toMatchObject({ status: 'PENDING_PAYMENT', total: { amount: '299.00' }, member: { id: 'mem-lng-0007' }, guide: { id: 'gd-lng-03-1' } });
  const PAY = `mutation($input: RecordCashPaymentInput!) { recordCashPayment(input: $input) { order { id status paidTotal { amount } } userErrors { code } } }`;
  // the amount must be what is due
  const short = await ok<{ recordCashPayment: { userErrors: { code: string }[] } }>(PAY, { input: { idempotencyKey: 'e2e-cash-short', orderId: order.id, amount: { amount: '290.00', currency: 'CNY' } } }, tokens.staff03!);
  expect(short.recordCashPayment.userErrors.map((e) => e.code)).toEqual(['PAYMENT_AMOUNT_MISMATCH']);
  const paid = await ok<{ recordCashPayment: { order: { status: string } } }>(PAY, { input: { idempotencyKey: 'e2e-cash-1', orderId: order.id, amount: { amount: '299.00', currency: 'CNY' } } }, tokens.staff03!);
  expect(paid.recordCashPayment.order.status).toBe('COMPLETED');

  const purchase = await eventually(async () => (await graph.db.query<{ paid_fen: number; member_id: string }>(`SELECT paid_fen, member_id FROM members.purchase WHERE order_id = $1`, [order.id]))[0], 'members to record the purchase');
  expect(purchase).toEqual({ paid_fen: 29900, member_id: 'mem-lng-0007' });
  const ACCOUNT = `{ pointsAccount(memberId: "mem-lng-0007") { balance pending transactions(first: 20) { edges { node { kind points order { id } } } } } }`;
  type Account = { pointsAccount: { balance: number; pending: number; transactions: { edges: { node: { kind: string; points: number; order: { id: string } | null } }[] } } | null };
  // The demo member has a history of its own: wait for the entry of this order, not for any change.
  const account = await eventually(async () => {
    const a = (await ok<Account>(ACCOUNT, {}, tokens.member7!)).pointsAccount;
    return a?.transactions.edges.some((e) => e.node.order?.id === order.id) ? a : null;
  }, 'points to earn on the paid order');
  const earned = account.transactions.edges.filter((e) => e.node.order?.id === order.id).map((e) => e.node);
  // 1 point per yuan at the member's tier multiplier: at least the 299 points of the 299.00 paid.
  expect(earned).toEqual([expect.objectContaining({ kind: 'EARN' })]);
  expect(earned[0]!.points).toBeGreaterThanOrEqual(299);
  expect(account.pending).toBeGreaterThanOrEqual(earned[0]!.points);
  // The order told points the member's home store (store-lng-03, fr-lng-a's): its operator sees the balance, another does not.
  const BALANCE = `{ pointsAccount(memberId: "mem-lng-0007") { pending } }`;
  expect((await ok<Account>(BALANCE, {}, tokens.franchiseeA!)).pointsAccount).toEqual({ pending: account.pending });
  expect((await ok<Account>(BALANCE, {}, tokens.franchiseeB!)).pointsAccount).toBeNull();
});

test('a merge reaches orders: the merged member’s orders answer the survivor', async () => {
  const order = await place(tokens.lngAdmin!, { memberId: 'mem-lng-0012', channel: 'WECHAT_MINIPROGRAM', storeId: 'store-lng-03', fulfillment: 'DELIVERY' });
  const MERGE = `mutation($input: MergeMembersInput!) { mergeMembers(input: $input) { userErrors { code } } }`;
  const merged = await ok<{ mergeMembers: { userErrors: unknown[] } }>(MERGE, { input: { idempotencyKey: 'e2e-merge-orders', survivorId: 'mem-lng-0011', mergedId: 'mem-lng-0012' } }, tokens.lngMerger!);
  expect(merged.mergeMembers.userErrors).toEqual([]);
  const ORDER = `query($id: ID!) { order(id: $id) { id member { id displayName } } }`;
  const moved = await eventually(async () => {
    const o = (await ok<{ order: { member: { id: string } | null } | null }>(ORDER, { id: order.id }, tokens.lngAdmin!)).order;
    return o?.member?.id === 'mem-lng-0011' ? o : null;
  }, 'orders to re-point the order to the survivor');
  expect(moved.member).toMatchObject({ id: 'mem-lng-0011' });
});

test("orders are fenced by the store's operator through the gateway", async () => {
  const order = await place(tokens.lngAdmin!, { memberId: 'mem-lng-0007', channel: 'WECHAT_MINIPROGRAM', storeId: 'store-lng-03', fulfillment: 'DELIVERY' });
  const ORDER = `query($id: ID!) { order(id: $id) { id store { id } } }`;
  expect((await ok<{ order: { id: string } | null }>(ORDER, { id: order.id }, tokens.franchiseeA!)).order).toMatchObject({ id: order.id });
  expect((await ok<{ order: unknown }>(ORDER, { id: order.id }, tokens.franchiseeB!)).order).toBeNull();
  const LIST = `{ orders(first: 100) { edges { node { id store { id } } } } }`;
  const listed = await ok<{ orders: { edges: { node: { id: string } }[] } }>(LIST, {}, tokens.franchiseeB!);
  expect(listed.orders.edges.map((e) => e.node.id)).not.toContain(order.id);
  // the member-facing path: the member sees its own orders only
  const mine = await ok<{ member: { orders: { edges: { node: { id: string } }[] } } }>(`{ member(id: "mem-lng-0007") { orders(first: 100) { edges { node { id } } } } }`, {}, tokens.member7!);
  expect(mine.member.orders.edges.map((e) => e.node.id)).toContain(order.id);
});

test('a member-360 query costs the same SQL statements in every subgraph for 2 orders as for 10', async () => {
  // mem-lng-0020 has no orders in the demo: give it ten
  for (let i = 0; i < 10; i++) await place(tokens.lngAdmin!, { memberId: 'mem-lng-0020', channel: 'WECHAT_MINIPROGRAM', storeId: 'store-lng-03', fulfillment: 'DELIVERY' });
  const MEMBER_360 = `query($n: Int!) { member(id: "mem-lng-0020") { id displayName tier { name } tags { name } guide { name } homeStore { name }
    pointsAccount { balance } lifetimeSpend { amount }
    orders(first: $n) { edges { node { id status total { amount } store { name } guide { name }
      lines { title quantity sku { code product { title } } } } } } } }`;
  const perSubgraph = async (n: number) => {
    const before = await Promise.all(SUBGRAPHS.map((s) => requestSqlStatements(s.name)));
    const data = await ok<{ member: { orders: { edges: { node: { lines: { sku: { product: { title: string } } | null }[] } }[] } } }>(MEMBER_360, { n }, tokens.lngAdmin!);
    expect(data.member.orders.edges).toHaveLength(n);
    expect(data.member.orders.edges.every((e) => e.node.lines.every((l) => l.sku?.product.title))).toBe(true);
    const after = await Promise.all(SUBGRAPHS.map((s) => requestSqlStatements(s.name)));
    return Object.fromEntries(SUBGRAPHS.map((s, i) => [s.name, after[i]! - before[i]!]));
  };
  const two = await perSubgraph(2);
  const ten = await perSubgraph(10);
  expect(ten).toEqual(two);
  // each subgraph the query reaches runs a few statements at most
  for (const name of ['members', 'orders', 'products', 'stores', 'points']) expect([name, ten[name]! > 0 && ten[name]! <= 6]).toEqual([name, true]);
});
