import crypto from 'node:crypto';
import type { AccountRefs, Database } from '@retail/platform';
import { withBackoff, PROVIDER_BACKOFF, type BackoffPolicy } from '../domain/backoff';
import { channelOrderId } from '../domain/channel-order-id';
import type { CredentialKeyring } from '../domain/credential-cipher';
import type { ChannelSecrets, ConnectionRecord } from '../model';
import { connectionSecrets } from '../repo/connection-secrets';
import { acquireSyncLease, advanceCursor, recordSyncOutcome, releaseSyncLease, renewSyncLease, storePulledRecords, type PulledRecord } from '../repo/order-sync';
import { fetchJdOrderPage } from './jd/orders';
import { ProviderCallError } from './provider-error';
import type { PulledOrder, PulledPage } from './pulled-order';
import { fetchTopTradePage } from './top/trades';

// The order pull of a TMALL or JD connection (docs/channel-order-pulls.md).

/** Each pull starts this far before the stored cursor, so modifications the provider recorded late are not missed. */
export const PULL_OVERLAP_MS = 10 * 60_000;
/** A first pull (no cursor) looks back this far. */
export const FIRST_PULL_LOOKBACK_MS = 24 * 3600_000;
/** TOP answers at most one day of modifications per call; JD's windows are kept the same. */
export const MAX_WINDOW_MS = 24 * 3600_000;
/** How far back `since` may reach: TOP keeps three months of trades. */
export const MAX_SINCE_AGE_MS = 90 * 24 * 3600_000;
/** How long a pull holds its connection; renewed after each window. */
const LEASE_MS = 5 * 60_000;

export interface PullOptions {
  /** Re-pull from here instead of the stored cursor. */
  since?: Date | null;
  /** Records per provider page (1..100). */
  pageSize: number;
  /** When the scheduled sync takes the connection next, from the end of this pull. */
  nextInMs: number;
  /** The refs buyers are kept and published as (ACCOUNT_REF_KEY). */
  accountRefs: AccountRefs;
  policy?: BackoffPolicy;
  now?: () => Date;
}

export interface PullResult {
  /** Records the provider returned (each once, unpaid ones included). */
  pulled: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  syncedTo: Date;
}

/** Another pull of the connection is under way (its lease is held). */
export class PullBusyError extends Error {
  constructor(connectionId: string) {
    super(`connection ${connectionId} is being pulled already`);
  }
}

/** The connection's current credentials, decrypted (a version under the previous CHANNEL_SECRET_KEY is re-encrypted on the way). */
export async function currentSecrets(db: Database, keyring: CredentialKeyring, connection: ConnectionRecord): Promise<ChannelSecrets> {
  return (await connectionSecrets(db, keyring, connection)).current;
}

type PageFetcher = (window: { start: Date; end: Date }, page: number, pageSize: number) => Promise<PulledPage>;

function pageFetcher(connection: ConnectionRecord, secrets: ChannelSecrets): PageFetcher {
  if (!secrets.appSecret || !secrets.accessToken) throw new ProviderCallError('CREDENTIALS', 'NO_CREDENTIALS', 'appSecret and accessToken must both be set to pull orders');
  const common = { apiBaseUrl: connection.apiBaseUrl, appKey: connection.appId, appSecret: secrets.appSecret };
  if (connection.channel === 'TMALL') {
    const creds = { ...common, session: secrets.accessToken, signMethod: 'hmac-sha256' as const };
    return (w, p, size) => fetchTopTradePage(creds, w, p, size);
  }
  if (connection.channel === 'JD') {
    const creds = { ...common, accessToken: secrets.accessToken };
    return (w, p, size) => fetchJdOrderPage(creds, w, p, size);
  }
  throw new Error(`${connection.channel} connections are not pulled`);
}

/**
 * A pulled order as the record stored and the channels.order.upserted it publishes (docs/events.md); null when unpaid.
 * `orderId` is the trade's platform order id, the same on every record of the trade (domain/channel-order-id.ts). The
 * buyer is its account's keyed ref, never the open id (docs/events.md, "Channel accounts between subgraphs").
 */
export function upsertedOf(connection: ConnectionRecord, o: PulledOrder, refs: AccountRefs): (Record<string, unknown> & { orderId: string }) | null {
  const channel = connection.channel;
  if (channel !== 'TMALL' && channel !== 'JD') throw new Error(`${channel} connections are not pulled`);
  if (o.status === null) return null;
  return {
    orderId: channelOrderId(channel, o.externalOrderId),
    connectionId: connection.id,
    channel: connection.channel,
    brandId: connection.brandId,
    storeId: connection.storeId,
    externalOrderId: o.externalOrderId,
    externalStatus: o.externalStatus,
    status: o.status,
    buyer: o.buyerExternalId ? buyerOf(channel, connection.merchantId ?? connection.appId, o.buyerExternalId, refs) : null,
    lines: o.lines.map((l) => ({ externalSkuId: l.externalSkuId, title: l.title, quantity: l.quantity, unitPriceFen: l.unitPriceFen })),
    totalFen: o.totalFen,
    paidFen: o.paidFen,
    currency: 'CNY',
    placedAt: o.placedAt,
    paidAt: o.paidAt,
    updatedAt: o.updatedAt,
  };
}

/** A buyer as a pulled record names it: the member identity's channel and app (the shop), and its account's ref. */
function buyerOf(channel: 'TMALL' | 'JD', appId: string, externalId: string, refs: AccountRefs): { channel: string; appId: string; ref: string } {
  return { channel, appId, ref: refs.of({ channel, appId, externalId }) };
}

/**
 * Every record of one window, read from the last page back to the first and the first again: the provider sorts by
 * modification time, newest first, and a record modified while the pages are read leaves the window, shifting the
 * later ones forward; read backwards, a shifted record moves onto a page still to be read.
 */
async function readWindow(fetch: PageFetcher, window: { start: Date; end: Date }, pageSize: number, policy: BackoffPolicy, renew: () => Promise<void>): Promise<PulledPage[]> {
  const page = async (n: number) => {
    const read = await withBackoff(() => fetch(window, n, pageSize), policy);
    // A long window keeps its lease page by page; one that lost it stops here.
    await renew();
    return read;
  };
  const first = await page(1);
  const pages = Math.ceil(first.total / pageSize);
  if (pages <= 1) return [first];
  const out: PulledPage[] = [];
  for (let n = pages; n >= 2; n--) out.push(await page(n));
  out.push(await page(1));
  return out;
}

/**
 * Pulls the connection's orders modified since its cursor (less the overlap) or `since`, window by window: each
 * window's records are stored (ACCEPTED with their event in the outbox, or counted as duplicates) and the cursor moves
 * to the window's end in one transaction, so a failure leaves the cursor where the last stored window ended and a
 * re-pull has no second effect. Holds the connection's lease throughout (PullBusyError when another pull has it).
 * No transaction is open while the provider is called.
 */
export async function pullOrders(db: Database, connection: ConnectionRecord, secrets: ChannelSecrets, opts: PullOptions): Promise<PullResult> {
  const now = opts.now ?? (() => new Date());
  const holder = crypto.randomUUID();
  const lease = await acquireSyncLease(db, connection.id, holder, LEASE_MS);
  if (!lease) throw new PullBusyError(connection.id);
  const result: PullResult = { pulled: 0, accepted: 0, duplicates: 0, rejected: 0, syncedTo: now() };
  try {
    const fetch = pageFetcher(connection, secrets);
    const renew = async () => {
      if (!(await renewSyncLease(db, connection.id, holder, LEASE_MS))) throw new PullBusyError(connection.id);
    };
    const end = now();
    let start = opts.since ?? (lease.cursorAt ? new Date(lease.cursorAt.getTime() - PULL_OVERLAP_MS) : new Date(end.getTime() - FIRST_PULL_LOOKBACK_MS));
    if (end.getTime() - start.getTime() > MAX_SINCE_AGE_MS) start = new Date(end.getTime() - MAX_SINCE_AGE_MS);
    while (start < end) {
      const window = { start, end: new Date(Math.min(end.getTime(), start.getTime() + MAX_WINDOW_MS)) };
      const pages = await readWindow(fetch, window, opts.pageSize, opts.policy ?? PROVIDER_BACKOFF, renew);
      const records: PulledRecord[] = [];
      for (const p of pages) {
        for (const o of p.orders) {
          const upserted = upsertedOf(connection, o, opts.accountRefs);
          records.push({
            externalId: `${o.externalOrderId}:${o.externalStatus}:${o.updatedAt}`,
            eventType: o.externalStatus,
            upserted,
            error: null,
            orderKey: `${connection.channel}:${o.externalOrderId}`,
            orderId: upserted?.orderId ?? null,
          });
        }
        for (const u of p.unreadable) records.push({ externalId: u.externalId, eventType: 'UNREADABLE', upserted: null, error: u.reason, orderKey: null, orderId: null });
      }
      const distinct = new Set(records.map((r) => r.externalId)).size;
      // Unpaid orders are pulled but not stored: nothing of them reaches the platform until they are paid.
      const storable = records.filter((r) => r.upserted !== null || r.error !== null);
      const stored = await db.transaction(async (tx) => {
        const counts = await storePulledRecords(tx, connection, storable);
        if (!(await advanceCursor(tx, connection.id, holder, window.end, LEASE_MS))) throw new PullBusyError(connection.id);
        return counts;
      });
      result.pulled += distinct;
      result.accepted += stored.accepted;
      result.duplicates += stored.duplicates;
      result.rejected += stored.rejected;
      result.syncedTo = window.end;
      start = window.end;
    }
    await recordSyncOutcome(db, connection.id, { syncedTo: result.syncedTo });
    return result;
  } catch (err) {
    if (!(err instanceof PullBusyError)) await recordSyncOutcome(db, connection.id, { error: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    throw err;
  } finally {
    await releaseSyncLease(db, connection.id, holder, opts.nextInMs).catch(() => undefined);
  }
}
