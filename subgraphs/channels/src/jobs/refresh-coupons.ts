import type { Job } from '@retail/platform';
import { credentialKeyring } from '../domain/credential-cipher';
import { alipayVoucherState } from '../providers/alipay/coupon';
import { alipayAccount, ConnectionUnusable, connectionsForSending, wechatPayAccount } from '../providers/outbound-accounts';
import { ProviderCallError } from '../providers/provider-error';
import { wechatCouponState } from '../providers/wechatpay/coupon';
import { claimCouponsToCheck, markCouponExpired, markCouponRedeemed } from '../repo/coupons';
import type { ChannelsSettings } from '../settings';
import type { OutboundJobDeps } from './send-refunds';

/** An ISSUED coupon is asked after at its provider this often. */
export const COUPON_CHECK_MS = 60 * 60_000;
const BATCH = 50;

/**
 * One run of refresh-coupons: asks the provider (WeChat Pay, Alipay) after the ISSUED coupons due a check (claimed:
 * parallel runs take different ones) and marks the ones it reports used as REDEEMED (at WeChat Pay's consume time,
 * else now) and expired as EXPIRED.
 */
export async function refreshCoupons(deps: OutboundJobDeps & { checkEveryMs?: number }): Promise<{ checked: number; redeemed: number; expired: number; failed: number }> {
  const counts = { checked: 0, redeemed: 0, expired: 0, failed: 0 };
  const sendingVia = connectionsForSending(deps.db, deps.keyring);
  for (const c of await claimCouponsToCheck(deps.db, BATCH, deps.checkEveryMs ?? COUPON_CHECK_MS)) {
    try {
      const { connection, secrets } = await sendingVia(c.connectionId);
      const state =
        c.provider === 'WECHAT_PAY'
          ? await wechatCouponState(wechatPayAccount(connection, secrets), { openid: c.externalUserId, appid: c.appId, couponId: c.providerCouponId })
          : await alipayVoucherState(alipayAccount(connection, secrets), c.providerCouponId);
      counts.checked++;
      if (state.status === 'REDEEMED' && (await markCouponRedeemed(deps.db, c.id, state.redeemedAt ?? new Date().toISOString(), null))) counts.redeemed++;
      if (state.status === 'EXPIRED') {
        await markCouponExpired(deps.db, c.id);
        counts.expired++;
      }
    } catch (e) {
      if (!(e instanceof ConnectionUnusable || e instanceof ProviderCallError)) throw e;
      counts.failed++;
      deps.logger.warn({ couponId: c.id, error: e.message }, 'coupon state not refreshed; asked again at its next check');
    }
  }
  return counts;
}

/** refresh-coupons: every minute, the coupons due a check. */
export function refreshCouponsJob(settings: ChannelsSettings): Job {
  const keyring = credentialKeyring(settings);
  return { name: 'refresh-coupons', everyMs: 60_000, run: async (deps) => refreshCoupons({ db: deps.db, logger: deps.logger, keyring }) };
}
