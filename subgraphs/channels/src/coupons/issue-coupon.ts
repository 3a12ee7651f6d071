import crypto from 'node:crypto';
import { findIdempotent, graphqlError, idempotent, newId, scopeKey, UserErrorException, type IdempotentCall } from '@retail/platform';
import { credentialKeyring } from '../domain/credential-cipher';
import type { ChannelsContext } from '../loaders';
import { memberAccounts } from '../peers';
import type { ChannelSecrets, ConnectionRecord } from '../model';
import { ConnectionUnusable, connectionForSending } from '../providers/outbound-accounts';
import { ProviderCallError } from '../providers/provider-error';
import { connectionForCallback } from '../repo/connections';
import { couponsByIds, recordCoupon, type CouponRecord } from '../repo/coupons';

// 领券 through a provider, the same for WeChat Pay and Alipay (issueWechatCoupon, issueAlipayCoupon): who may, the
// member asked of members and the coupon of the provider before the transaction (never inside one,
// docs/architecture.md §8), then recorded once per idempotencyKey.

export interface CouponIssue {
  operation: 'issueWechatCoupon' | 'issueAlipayCoupon';
  provider: 'WECHAT_PAY' | 'ALIPAY';
  idempotencyKey: string;
  connectionId: string;
  memberId: string;
  campaignId: string;
  /** The field of the input naming the campaign (for its userErrors). */
  campaignField: string;
  /** The identity channel and app whose account receives it; app null: the connection's appId. */
  identityChannel: 'WECHAT' | 'ALIPAY';
  appId: string | null;
  /** Sends it: returns the provider's coupon id. `outRequestNo` is the same for every retry of the key. */
  send(connection: ConnectionRecord, secrets: ChannelSecrets, to: { appId: string; externalId: string; outRequestNo: string }): Promise<string>;
}

/**
 * Who may: the platform, the brand's admins and the staff of the member's home store. The provider's request number
 * is derived from the caller's key, so a retry after a lost answer is the same coupon at the provider, and two first
 * attempts racing record one coupon (idempotent()).
 */
export async function issueCoupon(ctx: ChannelsContext, issue: CouponIssue): Promise<{ coupon: CouponRecord }> {
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'brand' && scope.kind !== 'store') {
    throw UserErrorException.forbidden("only the brand, the platform and the staff of the member's store issue coupons", ['input', 'memberId']);
  }
  const call: IdempotentCall = {
    schema: 'channels',
    scope: scopeKey(scope),
    operation: issue.operation,
    key: issue.idempotencyKey,
    request: { connectionId: issue.connectionId, memberId: issue.memberId, campaignId: issue.campaignId, appId: issue.appId },
  };
  const earlier = await findIdempotent<{ couponId: string }>(ctx.db, call);
  if (earlier) return { coupon: await couponOf(ctx, earlier.response.couponId) };

  const connection = await connectionForCallback(ctx.db, issue.connectionId);
  const reachable =
    connection !== null &&
    connection.channel === issue.provider &&
    (scope.kind === 'platform' || connection.brandId === scope.brandId) &&
    !(scope.kind === 'store' && connection.storeId !== null && connection.storeId !== scope.storeId);
  if (!connection || !reachable) throw UserErrorException.notFound(`${issue.provider} connection`, ['input', 'connectionId']);
  if (connection.status !== 'ACTIVE') throw UserErrorException.of('CHANNEL_DISABLED', `connection ${connection.id} is DISABLED`, ['input', 'connectionId']);
  const member = await memberAccounts(ctx.peers, issue.memberId);
  if (!member || member.brandId !== connection.brandId || (scope.kind === 'store' && member.homeStoreId !== scope.storeId)) throw UserErrorException.notFound('member', ['input', 'memberId']);
  const appId = issue.appId ?? connection.appId;
  const externalId = member.identities.find((i) => i.channel === issue.identityChannel && i.appId === appId)?.externalId;
  if (!externalId) throw UserErrorException.of('IDENTITY_NOT_BOUND', `member ${issue.memberId} has no ${issue.identityChannel} identity of app ${appId}`, ['input', 'memberId']);

  const outRequestNo = `cpn${crypto.createHash('sha256').update(JSON.stringify([call.scope, issue.operation, issue.idempotencyKey])).digest('hex').slice(0, 40)}`;
  let providerCouponId: string;
  try {
    const { connection: sending, secrets } = await connectionForSending(ctx.db, credentialKeyring(ctx.settings), connection.id);
    providerCouponId = await issue.send(sending, secrets, { appId, externalId, outRequestNo });
  } catch (e) {
    if (e instanceof ConnectionUnusable) throw UserErrorException.of('INVALID_CREDENTIALS', e.message, ['input', 'connectionId']);
    if (e instanceof ProviderCallError && e.kind === 'CREDENTIALS') throw UserErrorException.of('INVALID_CREDENTIALS', e.message, ['input', 'connectionId']);
    if (e instanceof ProviderCallError && e.kind === 'REJECTED') throw UserErrorException.of('CHANNEL_REJECTED', e.message, ['input', issue.campaignField]);
    if (e instanceof ProviderCallError) throw graphqlError('SERVICE_UNAVAILABLE', `the provider did not issue the coupon; retry with the same idempotencyKey (${e.providerCode})`, { retryable: true });
    throw e;
  }
  const { response } = await idempotent(ctx.db, call, async (tx) => ({
    couponId: await recordCoupon(tx, {
      id: newId('cpn'),
      connectionId: connection.id,
      brandId: connection.brandId,
      memberId: member.id,
      homeStoreId: member.homeStoreId,
      provider: issue.provider,
      campaignId: issue.campaignId,
      appId,
      externalUserId: externalId,
      outRequestNo,
      providerCouponId,
    }),
  }));
  return { coupon: await couponOf(ctx, response.couponId) };
}

async function couponOf(ctx: ChannelsContext, id: string): Promise<CouponRecord> {
  // Read as the platform: the caller was allowed to issue it (the member's fence may be narrower than the issuer's).
  const [coupon] = await couponsByIds(ctx.db, { kind: 'platform' }, [id]);
  if (!coupon) throw new Error(`coupon ${id} is gone`);
  return coupon;
}
