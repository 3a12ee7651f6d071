import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedChannels } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { jobsWithSettings } from './jobs';
import { createLoaders, type ChannelsLoaders } from './loaders';
import { ChannelConnection } from './resolvers/ChannelConnection';
import { ChannelEvent } from './resolvers/ChannelEvent';
import { Mutation } from './resolvers/Mutation';
import { ChannelCoupon } from './resolvers/ChannelCoupon';
import { Member } from './resolvers/Member';
import { Order } from './resolvers/Order';
import { Query } from './resolvers/Query';
import { WecomTransfer } from './resolvers/WecomTransfer';
import { channelRoutes } from './routes';
import { CHANNELS_SETTINGS } from './settings';

export { seedChannels } from './demo';
export type { ChannelsContext, ChannelsLoaders } from './loaders';
export { CHANNELS_SETTINGS, type ChannelsSettings } from './settings';

/**
 * The channels subgraph: a brand's accounts on Alipay, WeChat Pay, Tmall, JD and WeCom (connections with encrypted
 * credentials), and every inbound provider event stored once; the providers' callbacks are its plain HTTP routes.
 */
export const channelsSubgraph = defineSubgraph<ChannelsLoaders, typeof CHANNELS_SETTINGS>({
  name: 'channels',
  port: 4106,
  dir: path.resolve(__dirname, '..'),
  settings: CHANNELS_SETTINGS,
  resolvers: { DateTime, Query, Mutation, ChannelConnection, ChannelEvent, ChannelCoupon, Member, Order, WecomTransfer },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: jobsWithSettings,
  seed: seedChannels,
  routes: channelRoutes,
});
