import crypto from 'node:crypto';
import type { Job } from '@retail/platform';
import { backoffDelay, type BackoffPolicy } from '../domain/backoff';
import { credentialKeyring } from '../domain/credential-cipher';
import { ConnectionUnusable, connectionForSending, wecomAccount } from '../providers/outbound-accounts';
import { ProviderCallError } from '../providers/provider-error';
import { WecomTokenCache, type WecomAccount } from '../providers/wecom/api';
import { transferCustomers, transferResults, WECOM_TRANSFER_BATCH, type WecomTransferKind } from '../providers/wecom/transfer';
import { claimDueTransfers, settleTransfers, type ClaimedTransfer, type TransferUpdate } from '../repo/wecom-transfers';
import type { ChannelsSettings } from '../settings';
import type { OutboundJobDeps } from './send-refunds';

/** Failed sends are tried again after about a minute, doubling up to an hour. */
export const TRANSFER_RETRY: BackoffPolicy = { attempts: Number.POSITIVE_INFINITY, baseMs: 60_000, maxMs: 3_600_000 };
/** A transfer under way (等待接替: WeCom gives the customer 24 hours) is asked after this often. */
export const TRANSFER_POLL_MS = 10 * 60_000;
const LEASE_MS = 120_000;
/** Transfers claimed per run (several calls of up to 100). */
const CLAIM = 1000;
/** Per-customer errcodes that trying again can change (-1: system busy). */
const RETRYABLE_CUSTOMER_ERRCODES = new Set([-1]);

/** The tokens of this process (src/providers/wecom/api.ts). */
export const WECOM_TOKENS = new WecomTokenCache();

export interface WecomJobDeps extends OutboundJobDeps {
  tokens?: WecomTokenCache;
  /** How soon a transfer under way is polled (default TRANSFER_POLL_MS). */
  pollMs?: number;
}

export type TransferRunCounts = { sent: number; waiting: number; final: number; retrying: number; polled: number };

/**
 * One run of wecom-transfers: sends the PENDING transfers (grouped by corp, kind and the two guides' userids, at
 * most 100 customers per call: transfer_customer for ASSIGN, resigned/transfer_customer for INHERIT), records each
 * customer's answer (0: WAITING; else FAILED with WeCom's errcode, or retried when passing), then polls the WAITING
 * ones with transfer_result until final. No transaction is open during a call; the claimed rows are leased.
 */
export async function runWecomTransfers(deps: WecomJobDeps): Promise<TransferRunCounts> {
  const counts: TransferRunCounts = { sent: 0, waiting: 0, final: 0, retrying: 0, polled: 0 };
  const tokens = deps.tokens ?? WECOM_TOKENS;
  const pollMs = deps.pollMs ?? TRANSFER_POLL_MS;
  const retryIn = (t: ClaimedTransfer) => backoffDelay(t.attempts, TRANSFER_RETRY, deps.random);

  const sendLease = crypto.randomUUID();
  const toSend = await claimDueTransfers(deps.db, sendLease, ['PENDING'], CLAIM, LEASE_MS);
  const sendUpdates: TransferUpdate[] = [];
  for (const [group, items] of groups(toSend)) {
    const ready = await prepare(deps, group, items, sendUpdates, retryIn);
    if (!ready) continue;
    for (let i = 0; i < items.length; i += WECOM_TRANSFER_BATCH) {
      const chunk = items.slice(i, i + WECOM_TRANSFER_BATCH);
      const base = { handoverUserId: ready.handoverUserId, takeoverUserId: ready.takeoverUserId, connectionId: ready.account.connectionId };
      try {
        const answers = await transferCustomers(tokens, ready.account, { kind: group.kind, handoverUserId: ready.handoverUserId, takeoverUserId: ready.takeoverUserId, externalUserIds: chunk.map((t) => t.externalUserId) });
        counts.sent += chunk.length;
        answers.forEach((a, j) => {
          const t = chunk[j]!;
          if (a.errcode === 0) sendUpdates.push({ ...base, id: t.id, status: 'WAITING', errcode: 0, error: null, nextInMs: pollMs, sent: true });
          else if (RETRYABLE_CUSTOMER_ERRCODES.has(a.errcode)) sendUpdates.push({ ...base, id: t.id, status: 'PENDING', errcode: a.errcode, error: `WeCom answered ${a.errcode} for the customer`, nextInMs: retryIn(t) });
          else sendUpdates.push({ ...base, id: t.id, status: 'FAILED', errcode: a.errcode, error: `WeCom refused the customer's transfer: errcode ${a.errcode}`, nextInMs: null });
        });
      } catch (e) {
        failed(e, chunk, base, sendUpdates, retryIn);
      }
    }
  }
  await settleTransfers(deps.db, sendLease, sendUpdates);

  const pollLease = crypto.randomUUID();
  const toPoll = await claimDueTransfers(deps.db, pollLease, ['WAITING'], CLAIM, LEASE_MS);
  const pollUpdates: TransferUpdate[] = [];
  for (const [group, items] of groups(toPoll)) {
    const ready = await prepare(deps, group, items, pollUpdates, () => pollMs, 'WAITING');
    if (!ready) continue;
    try {
      const results = new Map((await transferResults(tokens, ready.account, { kind: group.kind, handoverUserId: ready.handoverUserId, takeoverUserId: ready.takeoverUserId })).map((r) => [r.externalUserId, r] as const));
      counts.polled += items.length;
      for (const t of items) {
        const r = results.get(t.externalUserId);
        if (!r || r.state === null || r.state === 'WAITING') pollUpdates.push({ id: t.id, status: 'WAITING', errcode: 0, error: null, nextInMs: pollMs });
        else pollUpdates.push({ id: t.id, status: r.state, errcode: 0, error: r.state === 'FAILED' ? 'WeCom has no transfer record of the customer (status 5)' : null, nextInMs: null, takenOverAt: r.takeoverAt });
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const t of items) pollUpdates.push({ id: t.id, status: 'WAITING', errcode: 0, error: `transfer_result failed: ${message}`, nextInMs: pollMs });
    }
  }
  await settleTransfers(deps.db, pollLease, pollUpdates);

  for (const u of [...sendUpdates, ...pollUpdates]) {
    if (u.status === 'WAITING') counts.waiting++;
    else if (u.status === 'PENDING') counts.retrying++;
    else counts.final++;
  }
  return counts;
}

interface GroupKey {
  connectionId: string | null;
  kind: WecomTransferKind;
  corpId: string;
  handoverUserId: string | null;
  takeoverUserId: string | null;
}

/** The claimed transfers by (connection, kind, corp, handover userid, takeover userid): one WeCom call (per 100) each. */
function groups(transfers: readonly ClaimedTransfer[]): Map<GroupKey, ClaimedTransfer[]> {
  const byKey = new Map<string, { key: GroupKey; items: ClaimedTransfer[] }>();
  for (const t of transfers) {
    const key: GroupKey = { connectionId: t.connectionId, kind: t.kind, corpId: t.corpId, handoverUserId: t.handoverUserId, takeoverUserId: t.takeoverUserId };
    const k = JSON.stringify(key);
    const g = byKey.get(k) ?? { key, items: [] };
    g.items.push(t);
    byKey.set(k, g);
  }
  return new Map([...byKey.values()].map((g) => [g.key, g.items]));
}

/** The account and both userids of a group, or (with every transfer rescheduled with the reason) null. */
async function prepare(
  deps: WecomJobDeps,
  group: GroupKey,
  items: readonly ClaimedTransfer[],
  updates: TransferUpdate[],
  retryIn: (t: ClaimedTransfer) => number,
  keep: 'PENDING' | 'WAITING' = 'PENDING',
): Promise<{ account: WecomAccount; handoverUserId: string; takeoverUserId: string } | null> {
  const later = (error: string) => {
    for (const t of items) updates.push({ id: t.id, status: keep, errcode: null, error, nextInMs: retryIn(t) });
    deps.logger.warn({ transfers: items.length, error }, 'WeCom transfers wait');
    return null;
  };
  if (!group.handoverUserId) return later(`guide ${items[0]!.fromGuideId} has no WeCom userid (stores.guide.changed)`);
  if (!group.takeoverUserId) return later(`guide ${items[0]!.toGuideId} has no WeCom userid (stores.guide.changed)`);
  if (!group.connectionId) return later(`brand ${items[0]!.brandId} has no ACTIVE WECOM connection of corp ${group.corpId}`);
  try {
    const { connection, secrets } = await connectionForSending(deps.db, deps.keyring, group.connectionId);
    return { account: wecomAccount(connection, secrets), handoverUserId: group.handoverUserId, takeoverUserId: group.takeoverUserId };
  } catch (e) {
    if (e instanceof ConnectionUnusable) return later(e.message);
    throw e;
  }
}

function failed(e: unknown, chunk: readonly ClaimedTransfer[], base: Partial<TransferUpdate>, updates: TransferUpdate[], retryIn: (t: ClaimedTransfer) => number): void {
  const message = e instanceof Error ? e.message : String(e);
  const refused = e instanceof ProviderCallError && e.kind === 'REJECTED';
  const errcode = e instanceof ProviderCallError && /^-?\d+$/.test(e.providerCode) ? Number(e.providerCode) : null;
  for (const t of chunk) updates.push({ ...base, id: t.id, status: refused ? 'FAILED' : 'PENDING', errcode, error: message, nextInMs: refused ? null : retryIn(t) });
}

/** wecom-transfers: every 10 s (docs/events.md, members.guide.handover). */
export function wecomTransfersJob(settings: ChannelsSettings): Job {
  const keyring = credentialKeyring(settings);
  return { name: 'wecom-transfers', everyMs: 10_000, run: async (deps) => runWecomTransfers({ db: deps.db, logger: deps.logger, keyring }) };
}
