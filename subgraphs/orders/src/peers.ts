import type { Peers, UserError } from '@retail/platform';

// The internal fields orders calls on other subgraphs (docs/events.md, "Internal calls"), typed. Each is one
// call as a signed SERVICE viewer; never call one inside a transaction (docs/architecture.md §8).

/** A SKU as an order line takes it at a store (products' sellableSkus). */
export interface SellableSku {
  skuId: string;
  brandId: string;
  title: string;
  sellable: boolean;
  unitPrice: { amount: string; currency: string };
}

/** The store's price and sellability of each SKU; unknown SKUs are absent. */
export async function sellableSkus(peers: Peers, storeId: string, skuIds: readonly string[]): Promise<SellableSku[]> {
  const data = await peers.query<{ sellableSkus: SellableSku[] }>(
    'products',
    'query SellableSkus($storeId: ID!, $skuIds: [ID!]!) { sellableSkus(storeId: $storeId, skuIds: $skuIds) { skuId brandId title sellable unitPrice { amount currency } } }',
    { storeId, skuIds },
  );
  return data.sellableSkus;
}

export { memberFacts, type MemberFacts } from '@retail/platform';

/** products' answer to reserveStock / releaseStock: the reservation when it was made or ended, and its userErrors. */
export interface StockAnswer {
  reservation: { id: string; status: string } | null;
  userErrors: UserError[];
}

/** Holds every line at the store for the order, or none (OUT_OF_STOCK, SKU_NOT_SELLABLE … as userErrors). */
export async function reserveStock(
  peers: Peers,
  input: { idempotencyKey: string; storeId: string; orderId: string; lines: { skuId: string; quantity: number }[]; expiresAt: string },
): Promise<StockAnswer> {
  const data = await peers.query<{ reserveStock: StockAnswer }>(
    'products',
    'mutation ReserveStock($input: ReserveStockInput!) { reserveStock(input: $input) { reservation { id status } userErrors { code field message } } }',
    { input },
  );
  return data.reserveStock;
}

/**
 * Ends a reservation: RETURN puts the units back (all, or just `lines`: the reservation stays HELD with the rest),
 * CONSUME takes them out of the store (核销). Idempotent by key.
 */
export async function releaseStock(
  peers: Peers,
  input: { idempotencyKey: string; reservationId: string; outcome: 'RETURN' | 'CONSUME'; lines?: { skuId: string; quantity: number }[] },
): Promise<StockAnswer> {
  const data = await peers.query<{ releaseStock: StockAnswer }>(
    'products',
    'mutation ReleaseStock($input: ReleaseStockInput!) { releaseStock(input: $input) { reservation { id status } userErrors { code field message } } }',
    { input },
  );
  return data.releaseStock;
}

/**
 * The products idempotency key of ending an order's reservation one way: the same for every caller and retry
 * (cancel, the jobs, 核销), so a reservation is returned or consumed once whoever asks and however often.
 */
export const releaseKey = (orderId: string, outcome: 'RETURN' | 'CONSUME') => `order-${outcome.toLowerCase()}:${orderId}`;

/** The products idempotency key of putting back a refund's units: the same for the job and a pickup, once per refund. */
export const refundReturnKey = (refundId: string) => `refund-return:${refundId}`;
