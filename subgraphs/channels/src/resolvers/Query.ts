import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import type { ChannelsContext } from '../loaders';
import type { ChannelEventStatus } from '../model';
import { listConnections } from '../repo/connections';
import { listEvents } from '../repo/events';
import { transfersOfHandover } from '../repo/wecom-transfers';

export const Query = {
  channelConnection: (_: unknown, args: { id: string }, ctx: ChannelsContext) => ctx.loaders.connection.load(args.id),

  async channelConnections(_: unknown, args: PageArgs & { brandId: string }, ctx: ChannelsContext, info: GraphQLResolveInfo) {
    const page = pageRequest(args, info);
    const found = await listConnections(ctx.db, ctx.scope, args.brandId, page);
    for (const c of found.rows) ctx.loaders.connection.prime(c.id, c);
    return connectionOf(found, page.first);
  },

  async channelEvents(_: unknown, args: PageArgs & { connectionId: string; status?: ChannelEventStatus | null }, ctx: ChannelsContext, info: GraphQLResolveInfo) {
    const page = pageRequest(args, info);
    const found = await listEvents(ctx.db, ctx.scope, args.connectionId, args.status ?? null, page);
    for (const e of found.rows) ctx.loaders.event.prime(e.id, e);
    return connectionOf(found, page.first);
  },

  async wecomTransfers(_: unknown, args: PageArgs & { handoverId: string }, ctx: ChannelsContext, info: GraphQLResolveInfo) {
    const page = pageRequest(args, info);
    return connectionOf(await transfersOfHandover(ctx.db, ctx.scope, args.handoverId, page), page.first);
  },
};
