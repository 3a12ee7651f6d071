import { accountRefs, InputCheck, UserErrorException } from '@retail/platform';
import { credentialKeyring } from '../domain/credential-cipher';
import type { ChannelsContext } from '../loaders';
import type { ConnectionRecord } from '../model';
import { currentSecrets, MAX_SINCE_AGE_MS, PullBusyError, pullOrders } from '../providers/order-pull';
import { ProviderCallError } from '../providers/provider-error';

export interface SyncChannelOrdersInput {
  connectionId: string;
  /** Re-pull from here instead of the stored cursor. */
  since?: Date | null;
}

export interface SyncChannelOrdersResult {
  connection: ConnectionRecord | null;
  pulled: number;
  accepted: number;
  duplicates: number;
}

/**
 * syncChannelOrders: pulls a TMALL or JD connection's orders now (docs/channel-order-pulls.md), as the scheduled sync
 * does; the platform and the brand's admins (the connection's fence), with channels:admin or channels:sync (the
 * schema's @requiresScopes). Records are stored once, so repeating it, or re-pulling a window with `since`, has no
 * second effect. A provider failure leaves the cursor where the last stored window ended and is recorded as the
 * connection's lastError.
 */
export async function syncChannelOrders(ctx: ChannelsContext, input: SyncChannelOrdersInput): Promise<SyncChannelOrdersResult> {
  const check = new InputCheck();
  const now = Date.now();
  if (input.since) {
    check.require(input.since.getTime() <= now + 60_000, ['input', 'since'], 'since may not be in the future');
    check.require(now - input.since.getTime() <= MAX_SINCE_AGE_MS, ['input', 'since'], 'since may reach at most 90 days back (the providers keep no more)');
  }
  check.done();
  const connection = await ctx.loaders.connection.load(input.connectionId);
  if (!connection) throw UserErrorException.notFound('channel connection', ['input', 'connectionId']);
  if (connection.channel !== 'TMALL' && connection.channel !== 'JD') {
    throw UserErrorException.of('INVALID_INPUT', `orders are pulled from TMALL and JD connections only (this one is ${connection.channel})`, ['input', 'connectionId']);
  }
  if (connection.status !== 'ACTIVE') throw UserErrorException.of('CHANNEL_DISABLED', 'the connection is DISABLED', ['input', 'connectionId']);
  try {
    const secrets = await currentSecrets(ctx.db, credentialKeyring(ctx.settings), connection);
    const result = await pullOrders(ctx.db, connection, secrets, {
      since: input.since ?? null,
      pageSize: ctx.settings.CHANNEL_ORDER_PAGE_SIZE,
      nextInMs: ctx.settings.CHANNEL_ORDER_SYNC_INTERVAL_SEC * 1000,
      accountRefs: accountRefs(ctx.settings.ACCOUNT_REF_KEY),
    });
    ctx.loaders.connection.clear(connection.id);
    return { connection: await ctx.loaders.connection.load(connection.id), pulled: result.pulled, accepted: result.accepted, duplicates: result.duplicates };
  } catch (err) {
    if (err instanceof PullBusyError) throw UserErrorException.of('CONFLICT', 'the connection is being pulled right now; try again when that pull ended', ['input', 'connectionId']);
    if (err instanceof ProviderCallError) {
      throw UserErrorException.of(err.kind === 'CREDENTIALS' ? 'INVALID_CREDENTIALS' : 'CHANNEL_REJECTED', err.message, ['input', 'connectionId']);
    }
    throw err;
  }
}
