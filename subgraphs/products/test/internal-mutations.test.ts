// reserveStock / releaseStock are for other services only: a correctly signed viewer of any other role —
// the platform admin and a brand admin holding every scope included — is FORBIDDEN and changes nothing.
import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { productsSubgraph } from '../src';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph);
});
afterAll(async () => {
  await h?.close();
});

const STORE = 'store-lng-09';
const SKU = 'sku-lng-br-2403-wh-70b';
const RESERVE = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { reservation { id status } userErrors { code } } }`;
const RELEASE = `mutation($input: ReleaseStockInput!) { releaseStock(input: $input) { reservation { id status } userErrors { code } } }`;

const NOT_SERVICE: [string, TestViewer][] = [
  ['PLATFORM_ADMIN', as.platform],
  ['BRAND_ADMIN with every scope', { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['catalog:admin', 'stores:admin', 'orders:admin'] }],
  ['FRANCHISEE operating the store', as.lngFranchiseeA],
  ['STORE_STAFF of the store', { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: STORE }],
  ['GUIDE', as.lngGuide01],
  ['MEMBER', as.lngMember],
  ['PARTNER', { role: 'PARTNER', partnerBrandId: 'brand-csm' }],
  ['ANONYMOUS', as.anonymous],
];

const stock = async () => (await h.db.query<{ reserved: number }>('SELECT reserved FROM products.stock WHERE store_id = $1 AND sku_id = $2', [STORE, SKU]))[0];
const reservationCount = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products.stock_reservation'))[0]!.n;

describe('internal mutations need a SERVICE viewer', () => {
  let held: string;
  beforeAll(async () => {
    await h.db.query('UPDATE products.stock SET on_hand = 5, reserved = 0 WHERE store_id = $1 AND sku_id = $2', [STORE, SKU]);
    const res = await h.data<{ reserveStock: { reservation: { id: string; status: string } } }>(as.service, RESERVE, {
      input: { idempotencyKey: 'internal-held', storeId: STORE, orderId: 'ord-internal', lines: [{ skuId: SKU, quantity: 1 }] },
    });
    expect(res.reserveStock.reservation.status).toBe('HELD');
    held = res.reserveStock.reservation.id;
  });

  it.each(NOT_SERVICE)('reserveStock refuses %s (FORBIDDEN, nothing held)', async (_label, viewer) => {
    const [before, reservations] = [await stock(), await reservationCount()];
    const res = await h.gql(viewer, RESERVE, { input: { idempotencyKey: `by-${viewer.role}`, storeId: STORE, orderId: 'ord-x', lines: [{ skuId: SKU, quantity: 1 }] } });
    expect(res.status).toBe(200);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
    expect(await stock()).toEqual(before);
    expect(await reservationCount()).toBe(reservations);
  });

  it.each(NOT_SERVICE)('releaseStock refuses %s (FORBIDDEN, the reservation stays held)', async (_label, viewer) => {
    const before = await stock();
    const res = await h.gql(viewer, RELEASE, { input: { idempotencyKey: `rel-by-${viewer.role}`, reservationId: held, outcome: 'CONSUME' } });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
    expect(await stock()).toEqual(before);
    const [row] = await h.db.query<{ status: string }>('SELECT status FROM products.stock_reservation WHERE id = $1', [held]);
    expect(row?.status).toBe('HELD');
  });

  it('serves the SERVICE viewer', async () => {
    const res = await h.data<{ releaseStock: { reservation: { status: string }; userErrors: unknown[] } }>(as.service, RELEASE, {
      input: { idempotencyKey: 'internal-release', reservationId: held, outcome: 'RETURN' },
    });
    expect(res.releaseStock).toEqual({ reservation: { id: held, status: 'RELEASED' }, userErrors: [] });
  });
});
