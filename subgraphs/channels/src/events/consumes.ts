import type { ConsumedTopic } from '@retail/platform';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { applyGuideHandover } from './guide-handover';
import { applyMemberErased } from './member-erased';
import { applyRefundRequested } from './refund-requested';

/** The topics channels applies (docs/events.md). */
export const CONSUMES: ConsumedTopic[] = [
  { topic: 'orders.refund.requested', apply: (tx, e) => applyRefundRequested(tx, e.payload) },
  { topic: 'members.guide.handover', apply: (tx, e) => applyGuideHandover(tx, e.payload) },
  GUIDE_DIRECTORY.consumer,
  { topic: 'members.member.erased', apply: (tx, e) => applyMemberErased(tx, e.payload) },
];
