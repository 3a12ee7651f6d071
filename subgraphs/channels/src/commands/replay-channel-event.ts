import { UserErrorException } from '@retail/platform';
import { checkPaymentAgainstOrder, type OrderCheck } from '../inbound/order-check';
import { applyAccepted } from '../inbound/record-event';
import type { ChannelsContext } from '../loaders';
import type { ChannelEventRecord } from '../model';
import { lockEvent, settleFailedEvent } from '../repo/events';

export interface ReplayChannelEventInput {
  eventId: string;
}

/**
 * replayChannelEvent: a FAILED event (verified, but orders could not check it then) is checked again and settled:
 * ACCEPTED with its platform event in the same transaction, REJECTED when the order says it can never fit, or FAILED
 * again with the new reason. Only FAILED events replay (EVENT_NOT_REPLAYABLE), so the effect stays exactly-once.
 */
export async function replayChannelEvent(ctx: ChannelsContext, input: ReplayChannelEventInput): Promise<{ event: ChannelEventRecord | null }> {
  const found = await lockEvent(ctx.db, ctx.scope, input.eventId);
  if (!found) throw UserErrorException.notFound('channel event', ['input', 'eventId']);
  if (found.status !== 'FAILED' || !found.facts) throw UserErrorException.of('EVENT_NOT_REPLAYABLE', `the event is ${found.status}; only FAILED events can be replayed`, ['input', 'eventId']);
  const facts = found.facts;
  const check: OrderCheck = facts.kind === 'PAYMENT' ? await checkPaymentAgainstOrder(ctx.peers, found.brandId, facts.payment) : { kind: 'OK' };
  const event = await ctx.db.transaction(async (tx) => {
    const held = await lockEvent(tx, ctx.scope, input.eventId);
    if (!held || held.status !== 'FAILED') throw UserErrorException.of('EVENT_NOT_REPLAYABLE', 'the event was settled meanwhile', ['input', 'eventId']);
    if (check.kind === 'REJECT') return settleFailedEvent(tx, held.id, 'REJECTED', check.reason);
    if (check.kind === 'UNAVAILABLE') return settleFailedEvent(tx, held.id, 'FAILED', check.reason);
    const settled = await settleFailedEvent(tx, held.id, 'ACCEPTED', null);
    await applyAccepted(tx, held.id, held.connectionId, facts);
    return settled;
  });
  return { event };
}
