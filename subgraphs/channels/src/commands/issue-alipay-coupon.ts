import { InputCheck } from '@retail/platform';
import { issueCoupon } from '../coupons/issue-coupon';
import type { ChannelsContext } from '../loaders';
import { sendAlipayVoucher } from '../providers/alipay/coupon';
import { alipayAccount } from '../providers/outbound-accounts';
import type { CouponRecord } from '../repo/coupons';

export interface IssueAlipayCouponInput {
  idempotencyKey: string;
  connectionId: string;
  memberId: string;
  activityId: string;
}

/**
 * 领券: sends an Alipay coupon of the campaign `activityId` to the member's Alipay user id (its ALIPAY identity of the
 * connection's app) and records it; exactly once per idempotencyKey (src/coupons/issue-coupon.ts).
 */
export async function issueAlipayCoupon(ctx: ChannelsContext, input: IssueAlipayCouponInput): Promise<{ coupon: CouponRecord }> {
  const check = new InputCheck();
  const connectionId = check.text(input.connectionId, ['input', 'connectionId'], 64);
  const memberId = check.text(input.memberId, ['input', 'memberId'], 64);
  const activityId = check.text(input.activityId, ['input', 'activityId'], 64);
  check.require(input.idempotencyKey.length >= 1 && input.idempotencyKey.length <= 200, ['input', 'idempotencyKey'], 'must be 1 to 200 characters');
  check.done();
  return issueCoupon(ctx, {
    operation: 'issueAlipayCoupon',
    provider: 'ALIPAY',
    idempotencyKey: input.idempotencyKey,
    connectionId,
    memberId,
    campaignId: activityId,
    campaignField: 'activityId',
    identityChannel: 'ALIPAY',
    appId: null,
    send: async (connection, secrets, to) => (await sendAlipayVoucher(alipayAccount(connection, secrets), { userId: to.externalId, templateId: activityId, outBizNo: to.outRequestNo })).voucherId,
  });
}
