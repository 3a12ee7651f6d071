import { commandResolvers } from '@retail/platform';
import { createChannelConnection } from '../commands/create-channel-connection';
import { disableChannelConnection } from '../commands/disable-channel-connection';
import { issueAlipayCoupon } from '../commands/issue-alipay-coupon';
import { issueWechatCoupon } from '../commands/issue-wechat-coupon';
import { redeemChannelCoupon } from '../commands/redeem-channel-coupon';
import { replayChannelEvent } from '../commands/replay-channel-event';
import { rotateChannelSecret } from '../commands/rotate-channel-secret';
import { syncChannelOrders } from '../commands/sync-channel-orders';

// One command per mutation (docs/adding-a-subgraph.md). Contract mutations not built yet are left out of
// schema/channels.graphql until their command exists.
export const Mutation = commandResolvers(
  { createChannelConnection, rotateChannelSecret, disableChannelConnection, replayChannelEvent, syncChannelOrders, issueWechatCoupon, issueAlipayCoupon, redeemChannelCoupon },
  { syncChannelOrders: { pulled: 0, accepted: 0, duplicates: 0 } },
);
