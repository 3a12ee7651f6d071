// The records orders' repositories return and its commands pass around (camelCase, money in integer fen).

export type SalesChannel = 'TMALL' | 'JD' | 'ALIPAY_MINIPROGRAM' | 'WECHAT_MINIPROGRAM' | 'POS' | 'WECOM';
export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'READY_FOR_PICKUP' | 'COMPLETED' | 'CANCELLED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';
export type FulfillmentType = 'DELIVERY' | 'STORE_PICKUP';
export type PaymentProvider = 'ALIPAY' | 'WECHAT_PAY' | 'TMALL' | 'JD' | 'CASH' | 'POINTS';

/** An order as a caller in scope sees it; `pickupCode` is null unless the caller is its member or the pickup store's staff. */
export interface OrderRecord {
  id: string;
  brandId: string;
  channel: SalesChannel;
  externalOrderId: string | null;
  memberId: string | null;
  storeId: string | null;
  guideId: string | null;
  franchiseeId: string | null;
  status: OrderStatus;
  fulfillmentType: FulfillmentType;
  pickupStoreId: string | null;
  pickupCode: string | null;
  readyAt: string | null;
  pickedUpAt: string | null;
  totalFen: number;
  paidFen: number;
  refundedFen: number;
  currency: string;
  placedAt: string;
  paidAt: string | null;
  offHours: boolean;
  reservationId: string | null;
}

export interface OrderLineRecord {
  id: string;
  orderId: string;
  position: number;
  skuId: string | null;
  title: string;
  quantity: number;
  unitPriceFen: number;
  lineTotalFen: number;
  refundedQuantity: number;
}

export interface PaymentRecord {
  id: string;
  orderId: string;
  provider: PaymentProvider;
  providerTransactionId: string | null;
  amountFen: number;
  currency: string;
  paidAt: string;
}

/** What store pickup needs of a store (orders.store_profile), from stores.store.changed. */
export interface StoreProfile {
  storeId: string;
  pickupEnabled: boolean;
  status: 'OPEN' | 'CLOSED';
  timezone: string;
  openingHours: OpeningHours[];
}

export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** One interval of a store's week, local time: opens HH:mm, closes HH:mm later than opens (24:00 for midnight). */
export interface OpeningHours {
  dayOfWeek: DayOfWeek;
  opens: string;
  closes: string;
}

export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/**
 * Where the units a refund puts back into the store's stock stand (docs/events.md, "Refunds"): WAITING for the
 * provider to confirm the refund, DUE to be returned, RETURNED, KEPT reserved for the order (the provider refused the
 * refund), NOT_RETURNED (products could not take them back: the store corrects its stock), RETURNED_BEFORE_REFUSAL
 * (put back when the rest of the order was collected, then the provider refused the refund).
 */
export type RestockState = 'WAITING' | 'DUE' | 'RETURNED' | 'KEPT' | 'NOT_RETURNED' | 'RETURNED_BEFORE_REFUSAL';

/** Units of a SKU a refund puts back into the store's stock. */
export interface RestockUnits {
  skuId: string;
  quantity: number;
}

/** A refund (退款) of all or part of an order; CASH and POINTS succeed at once, online ones when the provider confirms. */
export interface RefundRecord {
  id: string;
  orderId: string;
  amountFen: number;
  currency: string;
  reason: string | null;
  status: RefundStatus;
  provider: PaymentProvider;
  providerRefundNo: string | null;
  requestedAt: string;
  completedAt: string | null;
  /** FAILED: the provider's refusal (channels.refund.failed reason). */
  failureReason: string | null;
  /** The units it puts back into the store's stock, null when none. */
  restock: RestockUnits[] | null;
  restockState: RestockState | null;
}

/** A store operator's commission rate (分账) from effectiveFrom on; a change is a new record. */
export interface OperatorCommissionRecord {
  id: string;
  brandId: string;
  franchiseeId: string;
  rateBasisPoints: number;
  effectiveFrom: string;
  setAt: string;
}

/** One booked split row of an operator's settlement (a SALE when paid, a negative REFUND when a refund succeeded). */
export interface SplitRecord {
  id: string;
  orderId: string;
  kind: 'SALE' | 'REFUND';
  refundId: string | null;
  brandId: string;
  franchiseeId: string;
  storeId: string | null;
  rateBasisPoints: number;
  grossFen: number;
  commissionFen: number;
  operatorNetFen: number;
  currency: string;
  bookedAt: string;
}

/** How far an order's stock reservation is settled with products (orders."order".reservation_state). */
export type ReservationState = 'HELD' | 'RETURNED' | 'CONSUMED' | 'EXPIRED';

/** An order as a command sees it under its row lock: everything, the pickup code included (never returned to a caller). */
export interface OrderState extends Omit<OrderRecord, 'externalOrderId' | 'readyAt' | 'pickedUpAt' | 'offHours'> {
  wrongCodeAttempts: number;
  /** Whether the order refuses pickup codes now (after MAX_WRONG_CODES wrong ones). */
  locked: boolean;
  lockedUntil: string | null;
  reservationState: ReservationState | null;
  /** Collected at the store (核销), or handed over at the till. */
  pickedUp: boolean;
  memberHomeStoreId: string | null;
  memberTierCode: string | null;
}

/** A new order and its lines, as placeOrder writes them. */
export interface NewOrder {
  id: string;
  brandId: string;
  channel: SalesChannel;
  memberId: string | null;
  /** The member's home store and tier at order time (members' memberFacts); null for a guest. */
  memberHomeStoreId: string | null;
  memberTierCode: string | null;
  storeId: string | null;
  guideId: string | null;
  franchiseeId: string | null;
  fulfillmentType: FulfillmentType;
  pickupStoreId: string | null;
  pickupCode: string | null;
  readyAt: string | null;
  totalFen: number;
  currency: string;
  placedAt: string;
  paymentDueAt: string;
  offHours: boolean;
  reservationId: string | null;
  idempotencyKey: string;
  lines: { skuId: string; title: string; quantity: number; unitPriceFen: number; lineTotalFen: number }[];
}

/** A payment to record against an order. */
export interface NewPayment {
  orderId: string;
  provider: PaymentProvider;
  providerTransactionId: string | null;
  amountFen: number;
  currency: string;
  paidAt: string;
}
