import type { ChannelsContext } from '../loaders';
import type { ChannelEventRecord } from '../model';

export const ChannelEvent = {
  /** The event's connection, through the loader (the same fence: a visible event's connection is visible). */
  connection: (e: ChannelEventRecord, _: unknown, ctx: ChannelsContext) => ctx.loaders.connection.load(e.connectionId),
  order: (e: ChannelEventRecord) => (e.orderId ? { __typename: 'Order', id: e.orderId } : null),
};
