import { InputCheck } from '@retail/platform';
import { issueCoupon } from '../coupons/issue-coupon';
import type { ChannelsContext } from '../loaders';
import { wechatPayAccount } from '../providers/outbound-accounts';
import { sendWechatCoupon } from '../providers/wechatpay/coupon';
import type { CouponRecord } from '../repo/coupons';

export interface IssueWechatCouponInput {
  idempotencyKey: string;
  connectionId: string;
  memberId: string;
  stockId: string;
  appId?: string | null;
}

/**
 * 领券: sends a WeChat Pay coupon (代金券) of `stockId` to the member's openid of `appId` (default the connection's
 * appid) and records it; exactly once per idempotencyKey (src/coupons/issue-coupon.ts).
 */
export async function issueWechatCoupon(ctx: ChannelsContext, input: IssueWechatCouponInput): Promise<{ coupon: CouponRecord }> {
  const check = new InputCheck();
  const connectionId = check.text(input.connectionId, ['input', 'connectionId'], 64);
  const memberId = check.text(input.memberId, ['input', 'memberId'], 64);
  const stockId = check.text(input.stockId, ['input', 'stockId'], 64);
  const appId = check.optionalText(input.appId, ['input', 'appId'], 64);
  check.require(input.idempotencyKey.length >= 1 && input.idempotencyKey.length <= 200, ['input', 'idempotencyKey'], 'must be 1 to 200 characters');
  check.done();
  return issueCoupon(ctx, {
    operation: 'issueWechatCoupon',
    provider: 'WECHAT_PAY',
    idempotencyKey: input.idempotencyKey,
    connectionId,
    memberId,
    campaignId: stockId,
    campaignField: 'stockId',
    identityChannel: 'WECHAT',
    appId,
    send: async (connection, secrets, to) => (await sendWechatCoupon(wechatPayAccount(connection, secrets), { openid: to.externalId, appid: to.appId, stockId, outRequestNo: to.outRequestNo })).couponId,
  });
}
