// Query.orderForPayment: the internal field channels checks a provider's payment notification against
// (docs/events.md, "Internal calls"): SERVICE callers only, unknown ids left out.
import { errorCodes, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { ordersSubgraph } from '../src';
import { DEMO_ORDERS } from '../src/demo/data';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const Q = `query($ids: [ID!]!) { orderForPayment(ids: $ids) { id brandId status totalFen paidFen currency } }`;

test('a SERVICE caller gets each known order with its brand, status and amounts; unknown ids are left out', async () => {
  const [a, b] = [DEMO_ORDERS[0]!, DEMO_ORDERS[DEMO_ORDERS.length - 1]!];
  const data = await h.data<{ orderForPayment: { id: string; brandId: string; status: string; totalFen: number; paidFen: number; currency: string }[] }>(as.service, Q, { ids: [a.id, 'ord-nope', b.id] });
  const rows = await h.db.query<{ id: string; brandId: string; status: string; totalFen: number; paidFen: number; currency: string }>(
    `SELECT id, brand_id AS "brandId", status, total_fen AS "totalFen", paid_fen AS "paidFen", currency FROM orders."order" WHERE id = ANY($1::text[])`,
    [[a.id, b.id]],
  );
  expect([...data.orderForPayment].sort((x, y) => x.id.localeCompare(y.id))).toEqual([...rows].sort((x, y) => x.id.localeCompare(y.id)));
  expect(rows).toHaveLength(2);
});

test('anybody else is FORBIDDEN, the platform admin included; more than 100 ids is BAD_USER_INPUT', async () => {
  for (const caller of [as.platform, as.lngAdmin, as.lngMember1, as.anonymous]) {
    expect(errorCodes(await h.gql(caller, Q, { ids: [DEMO_ORDERS[0]!.id] }))).toEqual([caller === as.anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
  }
  expect(errorCodes(await h.gql(as.service, Q, { ids: Array.from({ length: 101 }, (_, i) => `ord-${i}`) }))).toEqual(['BAD_USER_INPUT']);
});
