import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import type { ChannelsContext } from '../loaders';
import { couponsByIds, lockCoupon, markCouponRedeemed, type CouponRecord } from '../repo/coupons';

export interface RedeemChannelCouponInput {
  idempotencyKey: string;
  couponId: string;
  storeId: string;
}

const OPERATION = 'redeemChannelCoupon';

/**
 * 核销 at a store: an ISSUED coupon becomes REDEEMED at `storeId`, once; a replay of the key returns the same
 * coupon, another redemption of a coupon no longer ISSUED is INVALID_TRANSITION. Who may: the staff of that store
 * for coupons of members of their store, the brand's admins, the platform. The coupon row is locked, so parallel
 * redemptions redeem it once.
 */
export async function redeemChannelCoupon(ctx: ChannelsContext, input: RedeemChannelCouponInput): Promise<{ coupon: CouponRecord }> {
  const check = new InputCheck();
  const couponId = check.text(input.couponId, ['input', 'couponId'], 64);
  const storeId = check.text(input.storeId, ['input', 'storeId'], 64);
  check.done();
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'brand' && scope.kind !== 'store') throw UserErrorException.forbidden('only store staff, the brand and the platform redeem coupons', ['input', 'couponId']);
  if (scope.kind === 'store' && scope.storeId !== storeId) throw UserErrorException.forbidden('store staff redeem at their own store', ['input', 'storeId']);
  const { response } = await idempotent(ctx.db, { schema: 'channels', scope: scopeKey(scope), operation: OPERATION, key: input.idempotencyKey, request: { couponId, storeId } }, async (tx) => {
    const coupon = await lockCoupon(tx, scope, couponId);
    if (!coupon) throw UserErrorException.notFound('coupon', ['input', 'couponId']);
    if (coupon.status !== 'ISSUED') throw UserErrorException.of('INVALID_TRANSITION', `the coupon is ${coupon.status}`, ['input', 'couponId']);
    await markCouponRedeemed(tx, coupon.id, new Date().toISOString(), storeId);
    return { couponId: coupon.id };
  });
  const [coupon] = await couponsByIds(ctx.db, { kind: 'platform' }, [response.couponId]);
  if (!coupon) throw new Error(`coupon ${response.couponId} is gone`);
  return { coupon };
}
