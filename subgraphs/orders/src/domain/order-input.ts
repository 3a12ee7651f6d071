import { InputCheck } from '@retail/platform';
import type { FulfillmentType, SalesChannel } from '../model';

// placeOrder's checks of its input's own values (no I/O): what is malformed is INVALID_INPUT with its field path.

/** The channels placeOrder takes; Tmall and JD orders arrive from the channels subgraph as events. */
export const PLACEABLE_CHANNELS: readonly SalesChannel[] = ['WECHAT_MINIPROGRAM', 'ALIPAY_MINIPROGRAM', 'POS', 'WECOM'];
export const MAX_LINES = 50;
export const MAX_QUANTITY = 999;

export interface OrderInputShape {
  memberId?: string | null;
  channel: SalesChannel;
  storeId?: string | null;
  fulfillment: FulfillmentType;
  lines: { skuId: string; quantity: number }[];
}

/** Every fault of a placeOrder input at once (InputCheck), else the lines as given. */
export function checkPlaceOrderInput<I extends OrderInputShape>(input: I): { lines: { skuId: string; quantity: number }[] } {
  const check = new InputCheck();
  if (!PLACEABLE_CHANNELS.includes(input.channel)) check.fail(['input', 'channel'], `${input.channel} orders arrive from the channel, they are not placed here`);
  check.require(input.lines.length >= 1 && input.lines.length <= MAX_LINES, ['input', 'lines'], `1 to ${MAX_LINES} lines`);
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    check.require(l.skuId.trim().length > 0 && l.skuId.length <= 100, ['input', 'lines', String(i), 'skuId'], 'skuId must be 1 to 100 characters');
    check.require(!seen.has(l.skuId), ['input', 'lines', String(i), 'skuId'], 'each SKU once: add up the quantity instead');
    seen.add(l.skuId);
    check.require(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= MAX_QUANTITY, ['input', 'lines', String(i), 'quantity'], `quantity must be 1 to ${MAX_QUANTITY}`);
  });
  if (input.fulfillment === 'STORE_PICKUP' || input.channel === 'POS') check.require(!!input.storeId, ['input', 'storeId'], 'a POS or store-pickup order needs its store');
  check.require(!!input.memberId || input.channel === 'POS', ['input', 'memberId'], 'only a walk-in sale at the POS has no member');
  check.done();
  return { lines: input.lines };
}
