import { accountRefs, type Job } from '@retail/platform';
import { credentialKeyring } from '../domain/credential-cipher';
import { currentSecrets, PullBusyError, pullOrders } from '../providers/order-pull';
import { connectionsByIds } from '../repo/connections';
import { dueConnectionIds } from '../repo/order-sync';
import type { ChannelsSettings } from '../settings';

/** Connections pulled per run at most (the next run takes the rest). */
const BATCH = 20;

/**
 * The scheduled order pull (docs/channel-order-pulls.md): every ACTIVE TMALL and JD connection whose next sync is due
 * (CHANNEL_ORDER_SYNC_INTERVAL_SEC after its last pull) is pulled like syncChannelOrders does. Runs on every replica:
 * a pull holds the connection's lease, so two replicas never pull one connection at once (the second skips it).
 */
export function syncChannelOrdersJob(settings: ChannelsSettings): Job {
  const keyring = credentialKeyring(settings);
  const refs = accountRefs(settings.ACCOUNT_REF_KEY);
  const intervalMs = settings.CHANNEL_ORDER_SYNC_INTERVAL_SEC * 1000;
  return {
    name: 'sync-channel-orders',
    // Often enough that a due connection waits little past its interval.
    everyMs: Math.min(intervalMs, 30_000),
    async run(deps) {
      const ids = await dueConnectionIds(deps.db, BATCH, intervalMs);
      const counts = { pulled: 0, accepted: 0, duplicates: 0, busy: 0, failed: 0 };
      if (ids.length === 0) return counts;
      // The job acts for the platform: every connection is in its scope.
      const connections = await connectionsByIds(deps.db, { kind: 'platform' }, ids);
      for (const connection of connections) {
        try {
          const secrets = await currentSecrets(deps.db, keyring, connection);
          const r = await pullOrders(deps.db, connection, secrets, { pageSize: settings.CHANNEL_ORDER_PAGE_SIZE, nextInMs: intervalMs, accountRefs: refs });
          counts.pulled += r.pulled;
          counts.accepted += r.accepted;
          counts.duplicates += r.duplicates;
        } catch (err) {
          if (err instanceof PullBusyError) counts.busy++;
          else {
            counts.failed++;
            deps.logger.warn({ err, connectionId: connection.id }, 'order pull failed; retried at its next sync');
          }
        }
      }
      return counts;
    },
  };
}
