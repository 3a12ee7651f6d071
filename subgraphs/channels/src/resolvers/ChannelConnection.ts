import type { ConnectionRecord } from '../model';

/** Where each pushing channel calls us (src/routes/index.ts); pulled channels have none. */
const CALLBACK_PATH: Partial<Record<ConnectionRecord['channel'], string>> = { ALIPAY: 'alipay', WECHAT_PAY: 'wechatpay' };

export const ChannelConnection = {
  brand: (c: ConnectionRecord) => ({ __typename: 'Brand', id: c.brandId }),
  store: (c: ConnectionRecord) => (c.storeId ? { __typename: 'Store', id: c.storeId } : null),
  webhookUrl: (c: ConnectionRecord) => {
    const provider = CALLBACK_PATH[c.channel];
    return provider ? `/channels/${provider}/${c.id}/notify` : null;
  },
};
