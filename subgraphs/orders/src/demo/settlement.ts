import type { Transaction } from '@retail/platform';
import { completeRefund } from '../events/refund-completion';
import { insertRefund } from '../repo/refunds';
import { bookSaleSplit, seedCommissions, type DemoCommission } from '../repo/splits';
import type { DemoOrder, DemoRefund } from './data';

/**
 * The demo's 分账 and refunds, after its orders: the commission rates, the split of every paid demo order at an
 * operator's store with a rate, and the refunds (each completed once: a refund already there is left alone, so a
 * second run changes nothing). No events: the demo orders were never published either. A seed, so one small
 * statement per demo order is fine.
 */
export async function seedDemoSettlement(tx: Transaction, rates: readonly DemoCommission[], orders: readonly DemoOrder[], refunds: readonly DemoRefund[]): Promise<void> {
  await seedCommissions(tx, rates);
  for (const o of orders) if (o.paidAt) await bookSaleSplit(tx, o.id);
  for (const r of refunds) {
    const fresh = await insertRefund(
      tx,
      { id: r.id, orderId: r.orderId, amountFen: r.amountFen, currency: 'CNY', reason: r.reason, provider: r.provider, providerRefundNo: r.provider === 'CASH' ? null : `demo-${r.id}`, idempotencyKey: null, requestedAt: r.requestedAt },
      r.lines,
    );
    if (fresh) await completeRefund(tx, r.id, r.completedAt, null, false);
  }
}
