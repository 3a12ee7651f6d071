import { errorCodes, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { productsSubgraph } from '../src';
import { expireOverdue } from '../src/repo/reservations';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph);
});
afterAll(async () => {
  await h?.close();
});

const RESERVE = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) {
  reservation { id orderId status expiresAt store { id } lines { sku { id } quantity } } userErrors { code field } } }`;
const RELEASE = `mutation($input: ReleaseStockInput!) { releaseStock(input: $input) { reservation { id status } userErrors { code field } } }`;

interface ReserveOut {
  reservation: { id: string; status: string; expiresAt: string; lines: { sku: { id: string }; quantity: number }[] } | null;
  userErrors: { code: string; field: string[] | null }[];
}

const STORE = 'store-lng-09';
const A = 'sku-lng-br-2403-wh-70b';
const B = 'sku-lng-br-2403-wh-75b';
let seq = 0;

const reserve = async (lines: { skuId: string; quantity: number }[], extra: Record<string, unknown> = {}) => {
  const res = await h.gql<{ reserveStock: ReserveOut }>(as.service, RESERVE, { input: { idempotencyKey: `r-${++seq}`, storeId: STORE, orderId: `ord-${seq}`, lines, ...extra } });
  expect(res.errors).toBeUndefined();
  return res.data!.reserveStock;
};
const release = async (reservationId: string, outcome: 'RETURN' | 'CONSUME', key = `rel-${++seq}`) => {
  const res = await h.gql<{ releaseStock: { reservation: { id: string; status: string } | null; userErrors: { code: string }[] } }>(as.service, RELEASE, {
    input: { idempotencyKey: key, reservationId, outcome },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.releaseStock;
};
const stock = async (skuId: string) =>
  (await h.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM products.stock WHERE store_id = $1 AND sku_id = $2', [STORE, skuId]))[0];
const setStock = (skuId: string, onHand: number) =>
  h.db.query('UPDATE products.stock SET on_hand = $3, reserved = 0 WHERE store_id = $1 AND sku_id = $2', [STORE, skuId, onHand]);

beforeEach(async () => {
  await setStock(A, 5);
  await setStock(B, 2);
});

describe('reserveStock / releaseStock (internal)', () => {
  it('is for SERVICE callers only', async () => {
    for (const viewer of [as.platform, as.lngAdmin, as.anonymous]) {
      const res = await h.gql(viewer, RESERVE, { input: { idempotencyKey: 'x', storeId: STORE, orderId: 'o', lines: [{ skuId: A, quantity: 1 }] } });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    }
  });

  it('holds all lines or none', async () => {
    const over = await reserve([{ skuId: A, quantity: 2 }, { skuId: B, quantity: 3 }]);
    expect(over.userErrors).toEqual([{ code: 'OUT_OF_STOCK', field: ['input', 'lines', '1', 'quantity'] }]);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    const ok = await reserve([{ skuId: A, quantity: 2 }, { skuId: B, quantity: 2 }]);
    expect(ok.userErrors).toEqual([]);
    expect(ok.reservation).toMatchObject({ status: 'HELD', lines: [{ sku: { id: A }, quantity: 2 }, { sku: { id: B }, quantity: 2 }] });
    expect(Date.parse(ok.reservation!.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });
    const notSellable = await reserve([{ skuId: 'sku-lng-pt-2403-bk-m', quantity: 1 }, { skuId: 'sku-csm-lp-2401-999', quantity: 1 }]);
    expect(notSellable.userErrors.map((e) => e.code)).toEqual(['SKU_NOT_SELLABLE', 'BRAND_MISMATCH']);
  });

  it('replays a retried key and never over-reserves under parallel orders', async () => {
    const input = { idempotencyKey: 'same', storeId: STORE, orderId: 'ord-same', lines: [{ skuId: B, quantity: 1 }] };
    const twice = await Promise.all([1, 2, 3].map(() => h.gql<{ reserveStock: ReserveOut }>(as.service, RESERVE, { input })));
    expect(new Set(twice.map((r) => r.data!.reserveStock.reservation!.id)).size).toBe(1);
    expect((await stock(B))!.reserved).toBe(1);

    const results = await Promise.all(Array.from({ length: 10 }, () => reserve([{ skuId: A, quantity: 1 }])));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(5);
    expect(results.filter((r) => r.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(5);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 5 });
  });

  it('returns or consumes a reservation once', async () => {
    const held = (await reserve([{ skuId: A, quantity: 2 }])).reservation!;
    expect((await release(held.id, 'RETURN')).reservation).toEqual({ id: held.id, status: 'RELEASED' });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    expect((await release(held.id, 'CONSUME')).userErrors).toEqual([expect.objectContaining({ code: 'RESERVATION_EXPIRED' })]);

    const picked = (await reserve([{ skuId: A, quantity: 3 }])).reservation!;
    const consumed = await release(picked.id, 'CONSUME', 'pickup-1');
    expect(consumed.reservation!.status).toBe('CONSUMED');
    expect(await release(picked.id, 'CONSUME', 'pickup-1')).toEqual(consumed);
    expect(await stock(A)).toEqual({ on_hand: 2, reserved: 0 });
    expect((await release('rsv-nope', 'RETURN')).userErrors[0]?.code).toBe('NOT_FOUND');
  });

  it('lets reservations lapse: units come back, a late release is RESERVATION_EXPIRED', async () => {
    const late = (await reserve([{ skuId: A, quantity: 4 }])).reservation!;
    const swept = (await reserve([{ skuId: B, quantity: 2 }])).reservation!;
    await h.db.query(`UPDATE products.stock_reservation SET expires_at = now() - interval '1 minute' WHERE id = ANY($1)`, [[late.id, swept.id]]);
    const out = await release(late.id, 'CONSUME');
    expect(out).toEqual({ reservation: { id: late.id, status: 'EXPIRED' }, userErrors: [expect.objectContaining({ code: 'RESERVATION_EXPIRED' })] });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await h.db.transaction((tx) => expireOverdue(tx, null))).toBe(1);
    expect(await stock(B)).toEqual({ on_hand: 2, reserved: 0 });
    const movements = await h.db.query<{ reason: string }>('SELECT reason FROM products.stock_movement WHERE reservation_id = $1 ORDER BY id', [swept.id]);
    expect(movements.map((m) => m.reason)).toEqual(['RESERVE', 'EXPIRE']);
  });

  it('validates lines and expiry', async () => {
    const out = await reserve([{ skuId: A, quantity: 0 }, { skuId: A, quantity: 1 }], { expiresAt: '2000-01-01T00:00:00Z' });
    expect(out.userErrors.map((e) => e.field?.join('.'))).toEqual(['input.lines.0.quantity', 'input.lines.1.skuId', 'input.expiresAt']);
  });
});
