import type { ChannelsContext } from '../loaders';

// Owned by orders; channels adds where a channel order came from (docs/events.md, "Order.channelOrigin").
export const Order = {
  __resolveReference: (r: { id: string }) => ({ id: r.id }),
  /** The order's latest ACCEPTED inbound event and its connection; null without one or for callers who do not see connections. */
  channelOrigin: (o: { id: string }, _: unknown, ctx: ChannelsContext) => ctx.loaders.orderOrigin.load(o.id),
};
