import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import { assertMayManageStore } from '../domain/permissions';
import { skuSoldAt } from '../domain/sku-at-store';
import type { ProductsContext } from '../loaders';
import type { StockLevel } from '../model';
import { skusByIds } from '../repo/skus';
import { changeOnHand, recordMovements } from '../repo/stock';
import { STORE_DIRECTORY } from '../repo/store-directory';

export type StockAdjustmentReason = 'RECEIVED' | 'STOCKTAKE' | 'DAMAGED' | 'TRANSFER_IN' | 'TRANSFER_OUT' | 'CUSTOMER_RETURN' | 'OTHER';

export interface AdjustStockInput {
  idempotencyKey: string;
  storeId: string;
  skuId: string;
  delta: number;
  reason: StockAdjustmentReason;
  note?: string | null;
}

/** Reasons that only ever add stock (+) or only remove it (-); the others go either way. */
const DIRECTION: Partial<Record<StockAdjustmentReason, 1 | -1>> = { RECEIVED: 1, TRANSFER_IN: 1, CUSTOMER_RETURN: 1, DAMAGED: -1, TRANSFER_OUT: -1 };
export const MAX_STOCK_DELTA = 100_000;
const MAX_NOTE = 500;

function validate(input: AdjustStockInput): void {
  const check = new InputCheck();
  const { delta, reason } = input;
  if (check.require(delta !== 0 && Math.abs(delta) <= MAX_STOCK_DELTA, ['input', 'delta'], `delta must be non-zero and at most ${MAX_STOCK_DELTA} either way`)) {
    const dir = DIRECTION[reason];
    if (dir !== undefined) check.require(Math.sign(delta) === dir, ['input', 'delta'], `${reason} ${dir > 0 ? 'adds' : 'removes'} stock: delta must be ${dir > 0 ? 'positive' : 'negative'}`);
  }
  check.require((input.note?.length ?? 0) <= MAX_NOTE, ['input', 'note'], `note is limited to ${MAX_NOTE} characters`);
  check.done();
}

/**
 * adjustStock: changes onHand by delta, idempotent per (scope, idempotencyKey) (docs/architecture.md §7).
 * One conditional statement changes the row, so parallel adjustments are exact. Removing more than is
 * available (onHand − reserved) is OUT_OF_STOCK on ["input","delta"]: onHand never goes below reserved, nor below 0.
 */
export async function adjustStock(ctx: ProductsContext, input: AdjustStockInput): Promise<{ stock: StockLevel }> {
  const { scope, viewer } = ctx;
  validate(input);
  const { idempotencyKey, ...request } = input;
  const note = request.note?.trim() || null;
  // An operator's write first asks stores who operates the store now: a handover takes effect at once.
  const operator = await STORE_DIRECTORY.operatorBeforeWrite(ctx, input.storeId);
  const { response } = await idempotent(
    ctx.db,
    { schema: 'products', scope: scopeKey(scope), operation: 'adjustStock', key: idempotencyKey, request: { ...request, note } },
    async (tx) => {
      const store = await STORE_DIRECTORY.withFence(tx, scope, input.storeId, operator);
      assertMayManageStore(scope, store, 'adjustStock');
      const sku = skuSoldAt(store, (await skusByIds(tx, scope, [input.skuId]))[0], input.skuId);
      const key = { storeId: store.storeId, skuId: sku.id };
      const after = await changeOnHand(tx, key, input.delta);
      if (!after) throw UserErrorException.of('OUT_OF_STOCK', `cannot remove ${-input.delta}: more than is available at the store`, ['input', 'delta']);
      await recordMovements(tx, [
        { ...key, onHandDelta: input.delta, reservedDelta: 0, reason: input.reason, note, after, actor: viewer.subject ?? viewer.role, reservationId: null },
      ]);
      return { stock: { ...key, ...after, staffVisible: true } };
    },
  );
  return response;
}
