import type { ChannelsContext } from '../loaders';
import type { CouponRecord } from '../repo/coupons';

export const ChannelCoupon = {
  connection: (c: CouponRecord, _: unknown, ctx: ChannelsContext) => ctx.loaders.connection.load(c.connectionId),
  member: (c: CouponRecord) => ({ __typename: 'Member', id: c.memberId }),
  redeemedStore: (c: CouponRecord) => (c.redeemedStoreId ? { __typename: 'Store', id: c.redeemedStoreId } : null),
};
