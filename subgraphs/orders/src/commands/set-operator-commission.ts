import { administersBrand, InputCheck, scopeKey, UserErrorException, type UserError } from '@retail/platform';
import { assertCommissionRate } from '../domain/commission';
import type { OrdersContext } from '../loaders';
import type { OperatorCommissionRecord } from '../model';
import { insertCommission } from '../repo/splits';

export interface SetOperatorCommissionInput {
  brandId: string;
  franchiseeId: string;
  rateBasisPoints: number;
  /** Default now. */
  effectiveFrom?: Date | string | null;
}

/** How far in the past effectiveFrom may lie: a clock's skew, no more (orders paid before it are booked already). */
const PAST_TOLERANCE_MS = 5 * 60_000;

/**
 * setOperatorCommission (分账比例): the brand's commission on an operator's sales from effectiveFrom on; brand admins
 * only. The previous rates stay for the orders paid before it, and split rows already booked never change, so a
 * rate cannot start in the past.
 */
export async function setOperatorCommission(ctx: OrdersContext, input: SetOperatorCommissionInput): Promise<{ commission: OperatorCommissionRecord; userErrors: UserError[] }> {
  const check = new InputCheck();
  const brandId = check.text(input.brandId, ['input', 'brandId'], 100);
  const franchiseeId = check.text(input.franchiseeId, ['input', 'franchiseeId'], 100);
  check.attempt(() => assertCommissionRate(input.rateBasisPoints));
  let effectiveFrom: string | null = null;
  if (input.effectiveFrom !== null && input.effectiveFrom !== undefined) {
    const at = input.effectiveFrom instanceof Date ? input.effectiveFrom : new Date(input.effectiveFrom);
    if (Number.isNaN(at.getTime())) check.fail(['input', 'effectiveFrom'], 'must be a date-time');
    else if (at.getTime() < Date.now() - PAST_TOLERANCE_MS) check.fail(['input', 'effectiveFrom'], 'may not lie in the past: orders paid since are settled at the rate then in force');
    else effectiveFrom = at.toISOString();
  }
  check.done();
  if (!administersBrand(ctx.scope, brandId)) throw UserErrorException.forbidden('only the brand admins set an operator commission', ['input', 'brandId']);
  const commission = await ctx.db.transaction((tx) =>
    insertCommission(tx, { brandId, franchiseeId, rateBasisPoints: input.rateBasisPoints, effectiveFrom, setBy: ctx.viewer.subject ?? scopeKey(ctx.scope) }),
  );
  return { commission, userErrors: [] };
}
