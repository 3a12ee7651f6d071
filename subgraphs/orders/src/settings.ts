import { z, type SettingsOf } from '@retail/platform/config';

/** orders' own settings beside every subgraph's (docs/adding-a-subgraph.md, "settings.ts"). */
export const ORDERS_SETTINGS = {
  /**
   * Minutes an order may stay PENDING_PAYMENT: placeOrder sets its payment deadline from it, and the
   * cancel-unpaid-orders job cancels it (and returns its reserved stock) once the deadline passed.
   */
  ORDER_PAYMENT_TIMEOUT_MIN: z.coerce.number().int().min(1).max(10_080).default(30),
};

export type OrdersSettings = SettingsOf<typeof ORDERS_SETTINGS>;
