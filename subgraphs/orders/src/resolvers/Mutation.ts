import { commandResolvers } from '@retail/platform';
import { cancelOrder } from '../commands/cancel-order';
import { confirmPickup } from '../commands/confirm-pickup';
import { markOrderPaid } from '../commands/mark-order-paid';
import { markReadyForPickup } from '../commands/mark-ready-for-pickup';
import { placeOrder } from '../commands/place-order';
import { recordCashPayment } from '../commands/record-cash-payment';
import { refundOrder } from '../commands/refund-order';
import { setOperatorCommission } from '../commands/set-operator-commission';

// One command per mutation (docs/adding-a-subgraph.md). A contract mutation without a command has no resolver
// yet, so calling it is an error, never a fake success.
export const Mutation = commandResolvers({ placeOrder, recordCashPayment, markOrderPaid, markReadyForPickup, confirmPickup, cancelOrder, refundOrder, setOperatorCommission });
