import { UserErrorException } from '@retail/platform';
import { assertTransition, canTransition, collectable, statusWhenPaid } from '../src/domain/order-status';
import type { OrderStatus } from '../src/model';

const ALL: OrderStatus[] = ['PENDING_PAYMENT', 'PAID', 'READY_FOR_PICKUP', 'COMPLETED', 'CANCELLED', 'REFUNDED', 'PARTIALLY_REFUNDED'];

describe('the order status machine (a pure rule)', () => {
  it('allows the paths of the contract', () => {
    expect(canTransition('PENDING_PAYMENT', 'PAID')).toBe(true);
    expect(canTransition('PENDING_PAYMENT', 'CANCELLED')).toBe(true);
    expect(canTransition('PAID', 'READY_FOR_PICKUP')).toBe(true);
    expect(canTransition('READY_FOR_PICKUP', 'COMPLETED')).toBe(true);
    expect(canTransition('PAID', 'COMPLETED')).toBe(true);
    expect(canTransition('COMPLETED', 'REFUNDED')).toBe(true);
    expect(canTransition('PARTIALLY_REFUNDED', 'REFUNDED')).toBe(true);
  });

  it('refuses going back and leaving an end state', () => {
    expect(canTransition('PAID', 'PENDING_PAYMENT')).toBe(false);
    expect(canTransition('PENDING_PAYMENT', 'READY_FOR_PICKUP')).toBe(false);
    expect(canTransition('COMPLETED', 'READY_FOR_PICKUP')).toBe(false);
    for (const to of ALL) {
      expect(canTransition('CANCELLED', to)).toBe(false);
      expect(canTransition('REFUNDED', to)).toBe(false);
    }
  });

  it('is a userError INVALID_TRANSITION when illegal', () => {
    expect(() => assertTransition('PAID', 'READY_FOR_PICKUP')).not.toThrow();
    try {
      assertTransition('CANCELLED', 'PAID', ['input', 'orderId']);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(UserErrorException);
      expect((e as UserErrorException).errors.map((x) => [x.code, x.field])).toEqual([['INVALID_TRANSITION', ['input', 'orderId']]]);
    }
  });

  it('completes a sale at the till when paid; others wait for pickup or delivery', () => {
    expect(statusWhenPaid('POS')).toBe('COMPLETED');
    for (const c of ['WECHAT_MINIPROGRAM', 'ALIPAY_MINIPROGRAM', 'WECOM', 'TMALL', 'JD'] as const) expect(statusWhenPaid(c)).toBe('PAID');
  });

  it('lets a store-pickup order be collected when paid or packed, nothing else', () => {
    expect(collectable('READY_FOR_PICKUP', 'STORE_PICKUP', false)).toBe(true);
    expect(collectable('PAID', 'STORE_PICKUP', false)).toBe(true);
    expect(collectable('PENDING_PAYMENT', 'STORE_PICKUP', false)).toBe(false);
    expect(collectable('COMPLETED', 'STORE_PICKUP', false)).toBe(false);
    expect(collectable('PAID', 'DELIVERY', false)).toBe(false);
    expect(collectable('PARTIALLY_REFUNDED', 'STORE_PICKUP', false)).toBe(true);
    expect(collectable('PARTIALLY_REFUNDED', 'STORE_PICKUP', true)).toBe(false);
    expect(collectable('PAID', 'STORE_PICKUP', true)).toBe(false);
  });
});
