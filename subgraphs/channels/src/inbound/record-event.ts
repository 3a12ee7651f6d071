import type { Database, Transaction } from '@retail/platform';
import { publishPaymentSucceeded } from '../events/publishes';
import { applyRefundNotice } from '../events/refund-settled';
import type { ChannelEventRecord, InboundFacts } from '../model';
import { claimEvent, insertUnclaimedEvent, lockClaimedEvent, settleFailedEvent, type EventOrigin } from '../repo/events';
import type { OrderCheck } from './order-check';

/** The order a verified event concerns (null when it names none). */
export const orderOf = (facts: InboundFacts): string | null => (facts.kind === 'PAYMENT' ? facts.payment.orderId : facts.kind === 'REFUND' ? facts.refund.orderId : facts.orderId);

/** The platform effect of an ACCEPTED event, in the transaction that accepts it: a payment's event, a refund's settlement. */
export async function applyAccepted(tx: Transaction, eventId: string, connectionId: string, facts: InboundFacts): Promise<void> {
  if (facts.kind === 'PAYMENT') await publishPaymentSucceeded(tx, eventId, connectionId, facts.payment);
  else if (facts.kind === 'REFUND') await applyRefundNotice(tx, connectionId, facts.refund);
}

/**
 * Stores a verified inbound event once (docs/architecture.md §6, §7) with what the order check said:
 * - REJECT: a REJECTED row with the reason; it claims nothing.
 * - OK: claims the provider's event id as ACCEPTED and, in the same transaction, applies it (applyAccepted: a payment
 *   becomes channels.payment.succeeded, a refund's outcome settles the refund). A redelivery of an ACCEPTED id is stored as DUPLICATE (no
 *   second effect); parallel deliveries serialise on the unique claim, so exactly one is ACCEPTED.
 * - UNAVAILABLE: claims it as FAILED with the reason, to be settled by the provider's retry or replayChannelEvent.
 * A FAILED id delivered again is settled by this delivery's outcome (ACCEPTED, or FAILED with the new reason).
 */
export async function recordVerifiedEvent(db: Database, origin: EventOrigin, facts: InboundFacts, check: OrderCheck): Promise<ChannelEventRecord> {
  const orderId = orderOf(facts);
  if (check.kind === 'REJECT') return insertUnclaimedEvent(db, origin, 'REJECTED', check.reason, orderId);
  const status = check.kind === 'OK' ? 'ACCEPTED' : 'FAILED';
  const error = check.kind === 'OK' ? null : check.reason;
  return db.transaction(async (tx) => {
    const claimed = await claimEvent(tx, origin, status, error, orderId, facts);
    if (claimed) {
      if (status === 'ACCEPTED') await applyAccepted(tx, claimed.id, origin.connectionId, facts);
      return claimed;
    }
    const held = await lockClaimedEvent(tx, origin.connectionId, origin.externalId);
    // The holder was replayed into REJECTED between the claim and the lock: this delivery is answered as a failure and retried.
    if (!held) throw new Error(`inbound event ${origin.externalId} changed while it was stored; the provider retries`);
    if (held.status === 'ACCEPTED') return insertUnclaimedEvent(tx, origin, 'DUPLICATE', null, held.orderId);
    const settled = await settleFailedEvent(tx, held.id, status, error);
    if (status === 'ACCEPTED') await applyAccepted(tx, held.id, origin.connectionId, facts);
    return settled;
  });
}
