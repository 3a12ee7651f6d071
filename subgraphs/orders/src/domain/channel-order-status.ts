// Tmall and JD orders arrive from the channels subgraph (channels.order.upserted, docs/events.md) with a status the
// channel mapped already: PAID, CANCELLED, REFUNDED, COMPLETED. Here they meet orders' status machine.

/** The statuses a channel order event may carry. */
export type ChannelOrderStatus = 'PAID' | 'CANCELLED' | 'REFUNDED' | 'COMPLETED';

export const CHANNEL_ORDER_STATUSES: ReadonlySet<string> = new Set<ChannelOrderStatus>(['PAID', 'CANCELLED', 'REFUNDED', 'COMPLETED']);

/** What applying a channel status to a stored order (or none yet) does. */
export interface ChannelTransition {
  /** The order's status afterwards. */
  status: 'PAID' | 'COMPLETED' | 'CANCELLED' | 'REFUNDED';
  /** The order becomes paid now (orders.order.paid is published, its split booked). */
  becomesPaid: boolean;
  /** What is still paid and not refunded is refunded now (a SUCCEEDED refund, orders.order.refunded). */
  refundsRest: boolean;
}

/**
 * The transition a channel status asks for from `current` (null: the order is new), or null when the status
 * machine does not allow it (a refunded order never becomes paid again; a cancelled one stays cancelled): such an
 * event changes nothing. `paid`: the event says money was taken (paidFen > 0). A paid order closed before
 * fulfilment (CANCELLED) or refunded is refunded in full.
 */
export function channelTransition(current: string | null, next: ChannelOrderStatus, paid: boolean): ChannelTransition | null {
  const wasPaid = current !== null && ['PAID', 'COMPLETED', 'PARTIALLY_REFUNDED', 'READY_FOR_PICKUP'].includes(current);
  if (current === next) return null;
  if (current === 'CANCELLED' || current === 'REFUNDED') return null;
  switch (next) {
    case 'PAID':
      if (current !== null) return null; // COMPLETED or (partially) refunded never goes back to PAID
      return { status: 'PAID', becomesPaid: paid, refundsRest: false };
    case 'COMPLETED':
      if (current !== null && !wasPaid) return null;
      return { status: 'COMPLETED', becomesPaid: current === null && paid, refundsRest: false };
    case 'CANCELLED':
      // Closed: unpaid (nothing to refund) or paid and closed before it shipped (refunded in full).
      return { status: 'CANCELLED', becomesPaid: current === null && paid, refundsRest: current === null ? paid : wasPaid };
    case 'REFUNDED':
      return { status: 'REFUNDED', becomesPaid: current === null && paid, refundsRest: current === null ? paid : wasPaid };
  }
}
