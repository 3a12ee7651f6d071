import { UserErrorException } from '@retail/platform';
import type { FulfillmentType, OrderStatus, SalesChannel } from '../model';

// The order's status machine (docs/events.md, orders): PENDING_PAYMENT → PAID → (READY_FOR_PICKUP → COMPLETED) |
// CANCELLED | REFUNDED | PARTIALLY_REFUNDED. Pure: commands ask it before they write.

const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ['PAID', 'COMPLETED', 'CANCELLED'],
  PAID: ['READY_FOR_PICKUP', 'COMPLETED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  READY_FOR_PICKUP: ['COMPLETED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  COMPLETED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  CANCELLED: [],
  REFUNDED: [],
};

/** Whether an order may go from one status to the other. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** Refuses an illegal transition with INVALID_TRANSITION (a userError, never an exception to the client). */
export function assertTransition(from: OrderStatus, to: OrderStatus, field: string[] | null = null): void {
  if (!canTransition(from, to)) throw UserErrorException.of('INVALID_TRANSITION', `an order that is ${from} cannot become ${to}`, field);
}

/**
 * Whether the goods change hands the moment the order is paid: a POS sale is handed over at the till (门店收银), so
 * it is COMPLETED once paid (a pickup order placed at the POS included: the member is standing at the counter).
 * Every other order is PAID and goes on to pickup (READY_FOR_PICKUP, 核销) or delivery.
 */
export function handedOverWhenPaid(channel: SalesChannel): boolean {
  return channel === 'POS';
}

/** The status an order takes when it is paid in full. */
export function statusWhenPaid(channel: SalesChannel): OrderStatus {
  return handedOverWhenPaid(channel) ? 'COMPLETED' : 'PAID';
}

/**
 * Whether a store-pickup order can be collected (核销): packed, or paid and not yet packed, or partly refunded before
 * anyone collected it (the units not refunded are still waiting at the store).
 */
export function collectable(status: OrderStatus, fulfillment: FulfillmentType, pickedUp: boolean): boolean {
  if (fulfillment !== 'STORE_PICKUP' || pickedUp) return false;
  return status === 'READY_FOR_PICKUP' || status === 'PAID' || status === 'PARTIALLY_REFUNDED';
}
