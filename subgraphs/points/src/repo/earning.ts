import type { Transaction } from '@retail/platform';
import { pointsToTakeBack } from '../domain/earning';
import { takeFromLots } from '../domain/lots';
import type { EntryRecord, LockedAccount } from '../model';
import { publishEarnBooked } from '../events/publishes';
import { credit, debit, entryById, lockAccount, lotsForTakeBack, openRedemptionsOfOrder, restoreDebit } from './ledger';
import { addTakeBack, insertOrderPoints, orderPoints, refundsSoFar, type OrderPoints, type OrderRefund } from './order-points';

// The bookings orders cause, shared by the order event consumers and the SERVICE-only earnPoints. Unfenced: their
// callers apply another subgraph's facts or are internal.

/** An earn for an order (or none): what orders.order.paid or earnPoints credit. */
export interface OrderEarn {
  orderId: string;
  paidFen: number;
  points: number;
  reason: string;
  earnedAt: Date | null;
  availableAt: Date | null;
  expiresAt: Date;
}

/**
 * Credits an order's points once per order on a locked account: a lot with the order's holding period and expiry,
 * the EARN entry, the order's record and points.earn.booked. An order that earned before gets its first entry back
 * (null when it earned nothing) and nothing more happens. Refunds that arrived before the payment (another topic,
 * so no order between them) take back their share at once.
 */
export async function earnForOrder(tx: Transaction, account: LockedAccount, earn: OrderEarn): Promise<{ entry: EntryRecord | null; earned: boolean }> {
  const before = await orderPoints(tx, earn.orderId);
  if (before) return { entry: before.earnEntryId ? await entryById(tx, before.earnEntryId) : null, earned: false };
  if (earn.points <= 0) {
    await insertOrderPoints(tx, { orderId: earn.orderId, accountId: account.id, earnEntryId: null, lotId: null, paidFen: earn.paidFen, earned: 0 });
    return { entry: null, earned: false };
  }
  const { entry, lotId } = await credit(
    tx,
    account,
    earn.points,
    { earnedAt: earn.earnedAt, availableAt: earn.availableAt, expiresAt: earn.expiresAt, orderId: earn.orderId },
    { kind: 'EARN', reason: earn.reason, orderId: earn.orderId },
  );
  const op: OrderPoints = { orderId: earn.orderId, accountId: account.id, earnEntryId: entry.id, lotId, paidFen: earn.paidFen, earned: earn.points, reversed: 0, shortfall: 0 };
  await insertOrderPoints(tx, op);
  await publishEarnBooked(tx, account, entry);
  const early = await refundsSoFar(tx, earn.orderId);
  if (early) await takeBack(tx, account, op, early, `refunds of order ${earn.orderId} that arrived before its payment`);
  return { entry, earned: true };
}

/**
 * Takes back the refunded share of what the order earned (pointsToTakeBack) on its locked account: from the order's
 * own lot first, then the account's other lots FIFO, pending ones included. Points the member already spent cannot be
 * taken without a negative balance, so what the lots cannot cover is recorded as the order's shortfall (never booked,
 * never taken later). Returns what was taken and what was short.
 */
async function takeBack(tx: Transaction, account: LockedAccount, op: OrderPoints, refund: Omit<OrderRefund, 'refundId'>, reason: string): Promise<{ taken: number; shortfall: number }> {
  const share = { earned: op.earned, paidFen: op.paidFen || refund.paidFen, refundedFen: refund.refundedFen, fullyRefunded: refund.fullyRefunded };
  const due = pointsToTakeBack(share, op.reversed + op.shortfall);
  if (due <= 0) return { taken: 0, shortfall: 0 };
  const lots = await lotsForTakeBack(tx, account.id, op.lotId);
  const { takes, shortfall } = takeFromLots(lots, due);
  const taken = due - shortfall;
  if (taken > 0) {
    const entry = await debit(tx, account, lots, takes, { kind: 'REVERSAL', reason, orderId: refund.orderId, reversesEntryId: op.earnEntryId });
    await publishEarnBooked(tx, account, entry);
  }
  await addTakeBack(tx, refund.orderId, taken, shortfall, refund.refundedFen);
  return { taken, shortfall };
}

/**
 * Applies a refund (takeBack) once the order has earned; a refund of an order not (yet) earned only stays recorded
 * (order_refund), for the earn to apply. A full refund also gives back every redemption that paid for the order,
 * restoring exactly the lots it consumed.
 */
export async function takeBackForRefund(tx: Transaction, refund: OrderRefund): Promise<{ taken: number; shortfall: number }> {
  let result = { taken: 0, shortfall: 0 };
  const known = await orderPoints(tx, refund.orderId);
  if (known && known.earned > 0) {
    let account = await lockAccount(tx, known.accountId);
    let op = (await orderPoints(tx, refund.orderId))!;
    // A merge committed between the read and the lock moved the order to the survivor's account.
    if (op.accountId !== account.id) {
      account = await lockAccount(tx, op.accountId);
      op = (await orderPoints(tx, refund.orderId))!;
    }
    result = await takeBack(tx, account, op, refund, `refund ${refund.refundId} of order ${refund.orderId}`);
  }
  if (refund.fullyRefunded) {
    // Usually one redemption per order; each is locked and given back on its own account.
    for (const redemption of await openRedemptionsOfOrder(tx, refund.orderId)) {
      const account = await lockAccount(tx, redemption.accountId);
      await restoreDebit(tx, account, redemption.entryId, { reason: `refund ${refund.refundId} of order ${refund.orderId} gives back its redemption`, orderId: refund.orderId });
    }
  }
  return result;
}
