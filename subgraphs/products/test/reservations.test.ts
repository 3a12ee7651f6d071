import { errorCodes, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { productsSubgraph } from '../src';
import { expireReservationsJob } from '../src/jobs/expire-reservations';
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
const RELEASE_LINES = `mutation($input: ReleaseStockInput!) { releaseStock(input: $input) {
  reservation { id status lines { sku { id } quantity returnedQuantity } } userErrors { code field } } }`;

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

const reserveFor = async (orderId: string, lines: { skuId: string; quantity: number }[], key = `r-${++seq}`, storeId = STORE) => {
  const res = await h.gql<{ reserveStock: ReserveOut }>(as.service, RESERVE, { input: { idempotencyKey: key, storeId, orderId, lines } });
  expect(res.errors).toBeUndefined();
  return res.data!.reserveStock;
};
const releaseWith = async (input: Record<string, unknown>) => {
  const res = await h.gql<{
    releaseStock: { reservation: { id: string; status: string; lines: { sku: { id: string }; quantity: number; returnedQuantity: number }[] } | null; userErrors: { code: string; field: string[] | null }[] };
  }>(as.service, RELEASE_LINES, { input: { idempotencyKey: `rel-${++seq}`, ...input } });
  expect(res.errors).toBeUndefined();
  return res.data!.releaseStock;
};
const reservationsOf = async (orderId: string) =>
  (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products.stock_reservation WHERE order_id = $1', [orderId]))[0]!.n;
const movements = async (reservationId: string) =>
  (await h.db.query<{ reason: string; on_hand_delta: number; reserved_delta: number }>(
    'SELECT reason, on_hand_delta, reserved_delta FROM products.stock_movement WHERE reservation_id = $1 ORDER BY id',
    [reservationId],
  ));
const makeOverdue = (id: string) => h.db.query(`UPDATE products.stock_reservation SET expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);

describe('reserveStock under concurrency', () => {
  it('50 parallel orders for the last 10 units: exactly 10 held, 40 OUT_OF_STOCK, available never below 0', async () => {
    await setStock(A, 10);
    let running = true;
    let minAvailable = Number.POSITIVE_INFINITY;
    const watch = (async () => {
      while (running) {
        const row = await stock(A);
        minAvailable = Math.min(minAvailable, row!.on_hand - row!.reserved);
      }
    })();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserveFor(`ord-last10-${i}`, [{ skuId: A, quantity: 1 }])));
    running = false;
    await watch;
    expect(results.filter((r) => r.reservation?.status === 'HELD' && r.userErrors.length === 0)).toHaveLength(10);
    const refused = results.filter((r) => r.reservation === null);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.userErrors.length === 1 && r.userErrors[0]!.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await stock(A)).toEqual({ on_hand: 10, reserved: 10 });
    expect(minAvailable).toBeGreaterThanOrEqual(0);
    const [held] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM products.stock_reservation WHERE order_id LIKE 'ord-last10-%' AND status = 'HELD'`);
    expect(held!.n).toBe(10);
  });

  it('parallel reserves of one order under different keys hold once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => reserveFor('ord-once', [{ skuId: A, quantity: 2 }], `once-${i}`)));
    expect(results.every((r) => r.userErrors.length === 0 && r.reservation?.status === 'HELD')).toBe(true);
    expect(new Set(results.map((r) => r.reservation!.id)).size).toBe(1);
    expect(await reservationsOf('ord-once')).toBe(1);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });
    expect((await movements(results[0]!.reservation!.id)).map((m) => m.reason)).toEqual(['RESERVE']);
  });
});

describe('one reservation per order', () => {
  it('returns the order’s reservation for the same store and lines, whatever the key; CONFLICT otherwise', async () => {
    const first = await reserveFor('ord-replay', [{ skuId: A, quantity: 2 }, { skuId: B, quantity: 1 }]);
    expect(first.userErrors).toEqual([]);
    // Same lines in another order, another key: the same reservation, nothing held twice.
    const again = await reserveFor('ord-replay', [{ skuId: B, quantity: 1 }, { skuId: A, quantity: 2 }], 'replay-other-key');
    expect(again).toEqual({ ...first, reservation: { ...first.reservation!, lines: expect.arrayContaining(first.reservation!.lines) } });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });

    const otherQuantity = await reserveFor('ord-replay', [{ skuId: A, quantity: 3 }, { skuId: B, quantity: 1 }]);
    expect(otherQuantity).toEqual({ reservation: null, userErrors: [{ code: 'CONFLICT', field: ['input', 'orderId'] }] });
    const fewerLines = await reserveFor('ord-replay', [{ skuId: A, quantity: 2 }]);
    expect(fewerLines.userErrors.map((e) => e.code)).toEqual(['CONFLICT']);
    const otherStore = await reserveFor('ord-replay', [{ skuId: A, quantity: 2 }, { skuId: B, quantity: 1 }], `r-${++seq}`, 'store-lng-01');
    expect(otherStore.userErrors.map((e) => e.code)).toEqual(['CONFLICT']);
    expect(await reservationsOf('ord-replay')).toBe(1);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });
  });

  it('answers an ended reservation as it is instead of holding again', async () => {
    const returned = (await reserveFor('ord-ended-returned', [{ skuId: A, quantity: 1 }])).reservation!;
    await release(returned.id, 'RETURN');
    const afterReturn = await reserveFor('ord-ended-returned', [{ skuId: A, quantity: 1 }]);
    expect(afterReturn).toMatchObject({ reservation: { id: returned.id, status: 'RELEASED' }, userErrors: [] });

    const consumed = (await reserveFor('ord-ended-consumed', [{ skuId: B, quantity: 2 }])).reservation!;
    await release(consumed.id, 'CONSUME');
    expect((await reserveFor('ord-ended-consumed', [{ skuId: B, quantity: 2 }])).reservation).toMatchObject({ id: consumed.id, status: 'CONSUMED' });

    const lapsed = (await reserveFor('ord-ended-lapsed', [{ skuId: A, quantity: 3 }])).reservation!;
    await makeOverdue(lapsed.id);
    expect((await reserveFor('ord-ended-lapsed', [{ skuId: A, quantity: 3 }])).reservation).toMatchObject({ id: lapsed.id, status: 'EXPIRED' });
    expect((await movements(lapsed.id)).map((m) => m.reason)).toEqual(['RESERVE', 'EXPIRE']);

    // Nothing is held by any of them any more; B lost its 2 consumed units.
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await stock(B)).toEqual({ on_hand: 0, reserved: 0 });
  });
});

describe('releaseStock outcomes', () => {
  it('CONSUME lowers onHand and reserved together; RETURN lowers reserved only', async () => {
    const picked = (await reserveFor('ord-consume', [{ skuId: A, quantity: 2 }, { skuId: B, quantity: 1 }])).reservation!;
    const kept = (await reserveFor('ord-return', [{ skuId: A, quantity: 1 }])).reservation!;
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 3 });
    expect((await release(picked.id, 'CONSUME')).reservation!.status).toBe('CONSUMED');
    expect(await stock(A)).toEqual({ on_hand: 3, reserved: 1 });
    expect(await stock(B)).toEqual({ on_hand: 1, reserved: 0 });
    expect((await release(kept.id, 'RETURN')).reservation!.status).toBe('RELEASED');
    expect(await stock(A)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await movements(picked.id)).toEqual([
      { reason: 'RESERVE', on_hand_delta: 0, reserved_delta: 2 },
      { reason: 'RESERVE', on_hand_delta: 0, reserved_delta: 1 },
      { reason: 'CONSUME', on_hand_delta: -2, reserved_delta: -2 },
      { reason: 'CONSUME', on_hand_delta: -1, reserved_delta: -1 },
    ]);
  });

  it('answers an ended reservation with its final status under any key', async () => {
    const consumed = (await reserveFor('ord-t-consumed', [{ skuId: A, quantity: 1 }])).reservation!;
    await release(consumed.id, 'CONSUME');
    expect(await release(consumed.id, 'CONSUME')).toEqual({ reservation: { id: consumed.id, status: 'CONSUMED' }, userErrors: [] });
    expect(await release(consumed.id, 'RETURN')).toEqual({
      reservation: { id: consumed.id, status: 'CONSUMED' },
      userErrors: [{ code: 'INVALID_TRANSITION', field: ['input', 'reservationId'] }],
    });
    expect(await stock(A)).toEqual({ on_hand: 4, reserved: 0 });

    const released = (await reserveFor('ord-t-released', [{ skuId: A, quantity: 1 }])).reservation!;
    await release(released.id, 'RETURN');
    expect(await release(released.id, 'RETURN')).toEqual({ reservation: { id: released.id, status: 'RELEASED' }, userErrors: [] });
    expect((await release(released.id, 'CONSUME')).userErrors.map((e) => e.code)).toEqual(['RESERVATION_EXPIRED']);

    const lapsed = (await reserveFor('ord-t-lapsed', [{ skuId: A, quantity: 2 }])).reservation!;
    await makeOverdue(lapsed.id);
    // RETURN of an overdue one: expired here, its units are back; that is what RETURN wanted.
    expect(await release(lapsed.id, 'RETURN')).toEqual({ reservation: { id: lapsed.id, status: 'EXPIRED' }, userErrors: [] });
    expect(await release(lapsed.id, 'CONSUME')).toEqual({
      reservation: { id: lapsed.id, status: 'EXPIRED' },
      userErrors: [{ code: 'RESERVATION_EXPIRED', field: ['input', 'reservationId'] }],
    });
    expect(await release(lapsed.id, 'RETURN')).toEqual({ reservation: { id: lapsed.id, status: 'EXPIRED' }, userErrors: [] });
    expect(await stock(A)).toEqual({ on_hand: 4, reserved: 0 });
    expect((await movements(lapsed.id)).map((m) => m.reason)).toEqual(['RESERVE', 'EXPIRE']);
  });

  it('RETURNs some lines before pickup and CONSUMEs the rest', async () => {
    const r = (await reserveFor('ord-partial', [{ skuId: A, quantity: 3 }, { skuId: B, quantity: 2 }])).reservation!;
    const part = await releaseWith({ reservationId: r.id, outcome: 'RETURN', lines: [{ skuId: A, quantity: 1 }] });
    expect(part).toEqual({
      reservation: { id: r.id, status: 'HELD', lines: [{ sku: { id: A }, quantity: 3, returnedQuantity: 1 }, { sku: { id: B }, quantity: 2, returnedQuantity: 0 }] },
      userErrors: [],
    });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });

    const refused = await releaseWith({ reservationId: r.id, outcome: 'RETURN', lines: [{ skuId: A, quantity: 3 }, { skuId: 'sku-lng-br-2403-bk-70b', quantity: 1 }] });
    expect(refused).toEqual({
      reservation: null,
      userErrors: [
        { code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] },
        { code: 'NOT_FOUND', field: ['input', 'lines', '1', 'skuId'] },
      ],
    });
    const linesWithConsume = await releaseWith({ reservationId: r.id, outcome: 'CONSUME', lines: [{ skuId: A, quantity: 1 }] });
    expect(linesWithConsume.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'lines'] }]);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 2 });

    // The order's reservation still matches what was reserved, returned units or not.
    expect((await reserveFor('ord-partial', [{ skuId: A, quantity: 3 }, { skuId: B, quantity: 2 }])).reservation).toMatchObject({ id: r.id, status: 'HELD' });

    const picked = await releaseWith({ reservationId: r.id, outcome: 'CONSUME' });
    expect(picked.reservation!.status).toBe('CONSUMED');
    expect(await stock(A)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await stock(B)).toEqual({ on_hand: 0, reserved: 0 });
    expect((await movements(r.id)).map((m) => `${m.reason} ${m.on_hand_delta}/${m.reserved_delta}`)).toEqual([
      'RESERVE 0/3',
      'RESERVE 0/2',
      'RETURN 0/-1',
      'CONSUME -2/-2',
      'CONSUME -2/-2',
    ]);
  });

  it('a partial RETURN of everything still held releases the reservation', async () => {
    const r = (await reserveFor('ord-partial-all', [{ skuId: A, quantity: 2 }, { skuId: B, quantity: 1 }])).reservation!;
    await releaseWith({ reservationId: r.id, outcome: 'RETURN', lines: [{ skuId: B, quantity: 1 }] });
    const last = await releaseWith({ reservationId: r.id, outcome: 'RETURN', lines: [{ skuId: A, quantity: 2 }] });
    expect(last.reservation).toMatchObject({ status: 'RELEASED', lines: [{ quantity: 2, returnedQuantity: 2 }, { quantity: 1, returnedQuantity: 1 }] });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await stock(B)).toEqual({ on_hand: 2, reserved: 0 });
    // Expiry and a later full RETURN find nothing more to give back.
    expect((await releaseWith({ reservationId: r.id, outcome: 'RETURN' })).reservation!.status).toBe('RELEASED');
    expect((await movements(r.id)).filter((m) => m.reason !== 'RESERVE')).toHaveLength(2);
  });
});

describe('the expiry job', () => {
  it('releases an overdue reservation once when two runs go in parallel', async () => {
    const r = (await reserveFor('ord-job', [{ skuId: A, quantity: 2 }, { skuId: B, quantity: 1 }])).reservation!;
    const partlyReturned = (await reserveFor('ord-job-partial', [{ skuId: A, quantity: 2 }])).reservation!;
    await releaseWith({ reservationId: partlyReturned.id, outcome: 'RETURN', lines: [{ skuId: A, quantity: 1 }] });
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 3 });
    await makeOverdue(r.id);
    await makeOverdue(partlyReturned.id);
    const runs = await Promise.all([expireReservationsJob.run(h.running.deps), expireReservationsJob.run(h.running.deps)]);
    expect(runs.reduce((n, run) => n + (run?.expired ?? 0), 0)).toBe(2);
    expect(await stock(A)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await stock(B)).toEqual({ on_hand: 2, reserved: 0 });
    expect((await movements(r.id)).map((m) => m.reason)).toEqual(['RESERVE', 'RESERVE', 'EXPIRE', 'EXPIRE']);
    // Only the unit still held goes back at expiry.
    expect((await movements(partlyReturned.id)).map((m) => `${m.reason} ${m.reserved_delta}`)).toEqual(['RESERVE 2', 'RETURN -1', 'EXPIRE -1']);
    const statuses = await h.db.query<{ status: string }>('SELECT status FROM products.stock_reservation WHERE id = ANY($1) ORDER BY id', [[r.id, partlyReturned.id]]);
    expect(statuses.map((s) => s.status)).toEqual(['EXPIRED', 'EXPIRED']);
  });
});
