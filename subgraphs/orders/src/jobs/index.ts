import type { Job } from '@retail/platform';
import { cancelUnpaidOrdersJob } from './cancel-unpaid-orders';
import { returnRefundedStockJob } from './return-refunded-stock';
import { settleReservationsJob } from './settle-reservations';

/** orders' background jobs. */
export const JOBS: Job[] = [cancelUnpaidOrdersJob, settleReservationsJob, returnRefundedStockJob];
