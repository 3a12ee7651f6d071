import { appendToOutbox, type Transaction } from '@retail/platform';
import type { EntryRecord, LockedAccount } from '../model';

/** The topics points writes to its outbox (docs/events.md). */
export const EARN_BOOKED_TOPIC = 'points.earn.booked';
export const PUBLISHES: readonly string[] = [EARN_BOOKED_TOPIC];

/**
 * An earn (positive) or the reversal of an earn by a refund (negative), in the caller's transaction: members sums
 * them per member for tiers by points (docs/events.md).
 */
export async function publishEarnBooked(tx: Transaction, account: LockedAccount, entry: EntryRecord): Promise<void> {
  await appendToOutbox(tx, 'points', {
    topic: EARN_BOOKED_TOPIC,
    key: account.memberId,
    payload: { entryId: entry.id, brandId: account.brandId, memberId: account.memberId, points: entry.points, bookedAt: new Date(entry.createdAt).toISOString() },
  });
}
