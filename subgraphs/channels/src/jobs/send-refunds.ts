import crypto from 'node:crypto';
import type { Database, Job } from '@retail/platform';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffPolicy } from '../domain/backoff';
import { credentialKeyring, type CredentialKeyring } from '../domain/credential-cipher';
import { refuseRefund, settleRefund } from '../events/refund-settled';
import { sendAlipayRefund } from '../providers/alipay/refund';
import { alipayAccount, ConnectionUnusable, connectionsForSending, wechatPayAccount } from '../providers/outbound-accounts';
import type { RefundOutcome } from '../providers/outbound-refund';
import { ProviderCallError } from '../providers/provider-error';
import { sendWechatPayRefund } from '../providers/wechatpay/refund';
import type { ChannelsSettings } from '../settings';
import { claimDueRefunds, paymentConnectionFor, rescheduleRefund, type ClaimedRefund } from '../repo/outbound-refunds';

/** A failed attempt is tried again after 30 s, doubling up to an hour (jittered); a refund is never given up on by time. */
export const REFUND_RETRY: BackoffPolicy = { attempts: Number.POSITIVE_INFINITY, baseMs: 60_000, maxMs: 3_600_000 };
/** A refund the provider is still processing is asked after again this soon (the notify may settle it first). */
export const PROCESSING_RECHECK_MS = 60_000;
/** How long a run holds the refunds it claimed (longer than its calls can take). */
const LEASE_MS = 120_000;
const BATCH = 20;

export interface OutboundJobDeps {
  db: Database;
  logger: Logger;
  /** The keys the connections' credentials are encrypted under (CHANNEL_SECRET_KEY). */
  keyring: CredentialKeyring;
  random?: () => number;
}

export type RefundRunCounts = {
  claimed: number;
  succeeded: number;
  processing: number;
  refused: number;
  retrying: number;
};

/**
 * One run of send-refunds: claims the refunds due (a lease: parallel runs and replicas never send one refund at once),
 * sends each to its provider with no transaction open, then writes what the provider said. SUCCEEDED appends
 * channels.refund.succeeded in the transaction that marks it, once (docs/events.md, Refunds); PROCESSING is asked
 * after again; a passing failure (no answer, 5xx, the provider's system error, a connection an admin must fix) is
 * retried with backoff; a refusal for good is REFUSED with the provider's reason and appends channels.refund.failed
 * once in the same transaction.
 */
export async function sendDueRefunds(deps: OutboundJobDeps): Promise<RefundRunCounts> {
  const counts: RefundRunCounts = { claimed: 0, succeeded: 0, processing: 0, refused: 0, retrying: 0 };
  const leaseId = crypto.randomUUID();
  const claimed = await claimDueRefunds(deps.db, leaseId, BATCH, LEASE_MS);
  counts.claimed = claimed.length;
  const sendingVia = connectionsForSending(deps.db, deps.keyring);
  for (const refund of claimed) counts[await sendOne(deps, sendingVia, refund)]++;
  return counts;
}

async function sendOne(deps: OutboundJobDeps, sendingVia: ReturnType<typeof connectionsForSending>, refund: ClaimedRefund): Promise<Exclude<keyof RefundRunCounts, 'claimed'>> {
  let connectionId = refund.connectionId;
  const retry = async (error: string) => {
    await rescheduleRefund(deps.db, { refundId: refund.refundId, leaseId: refund.leaseId, status: refund.status === 'PROCESSING' ? 'PROCESSING' : 'PENDING', connectionId, delayMs: backoffDelay(refund.attempts, REFUND_RETRY, deps.random), error });
    deps.logger.warn({ refundId: refund.refundId, orderId: refund.orderId, attempts: refund.attempts, error }, 'refund not sent; trying again later');
    return 'retrying' as const;
  };
  let outcome: RefundOutcome;
  try {
    connectionId ??= await paymentConnectionFor(deps.db, refund);
    if (!connectionId) throw new ConnectionUnusable(`brand ${refund.brandId} has no ACTIVE ${refund.provider} connection that took order ${refund.orderId}'s payment`);
    const { connection, secrets } = await sendingVia(connectionId);
    if (connection.brandId !== refund.brandId) throw new ConnectionUnusable(`connection ${connectionId} belongs to another brand`);
    outcome =
      refund.provider === 'ALIPAY'
        ? await sendAlipayRefund(alipayAccount(connection, secrets), refund)
        : await sendWechatPayRefund(wechatPayAccount(connection, secrets), refund, { alreadySent: refund.status === 'PROCESSING' || refund.attempts > 1 });
  } catch (e) {
    if (e instanceof ConnectionUnusable || (e instanceof ProviderCallError && e.kind !== 'REJECTED')) return retry(e.message);
    if (e instanceof ProviderCallError) outcome = { kind: 'REFUSED', reason: e.message };
    else return retry(`unexpected: ${e instanceof Error ? e.message : String(e)}`);
  }
  const id = connectionId;
  switch (outcome.kind) {
    case 'SUCCEEDED': {
      if (id === null) return retry('the refund succeeded without a connection');
      await deps.db.transaction((tx) =>
        settleRefund(tx, { ...refund, connectionId: id, providerRefundNo: outcome.providerRefundNo, refundedAt: outcome.refundedAt }),
      );
      return 'succeeded';
    }
    case 'PROCESSING':
      await rescheduleRefund(deps.db, { refundId: refund.refundId, leaseId: refund.leaseId, status: 'PROCESSING', connectionId: id, delayMs: PROCESSING_RECHECK_MS, error: null });
      return 'processing';
    case 'REFUSED':
      await deps.db.transaction((tx) => refuseRefund(tx, { refundId: refund.refundId, leaseId: refund.leaseId, connectionId: id, reason: outcome.reason }));
      deps.logger.error({ refundId: refund.refundId, orderId: refund.orderId, reason: outcome.reason }, 'the provider refused the refund');
      return 'refused';
  }
}

/** send-refunds: every 5 s, the refunds due (docs/events.md, Refunds); credentials decrypted with CHANNEL_SECRET_KEY. */
export function sendRefundsJob(settings: ChannelsSettings): Job {
  const keyring = credentialKeyring(settings);
  return { name: 'send-refunds', everyMs: 5_000, run: async (deps) => sendDueRefunds({ db: deps.db, logger: deps.logger, keyring }) };
}
