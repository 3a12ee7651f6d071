import {
  amountToFen,
  releaseKeyClaim,
  replayOrClaimKey,
  idempotent,
  InputCheck,
  newId,
  operatorBeforeWrite,
  parseMoneyInput,
  scopeKey,
  UserErrorException,
  type MoneyInput,
  type IdempotentCall,
  type Scope,
} from '@retail/platform';
import { nextOpening } from '../domain/opening-hours';
import { newPickupCode } from '../domain/pickup-code';
import { checkPlaceOrderInput } from '../domain/order-input';
import { settleReservation } from '../jobs/settle-reservations';
import type { OrdersContext } from '../loaders';
import type { FulfillmentType, NewOrder, OrderRecord, SalesChannel } from '../model';
import { memberFacts, reserveStock, sellableSkus, type MemberFacts } from '../peers';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { insertOrder, ordersByIds } from '../repo/orders';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { storeProfile } from '../repo/store-profiles';

export interface PlaceOrderInput {
  idempotencyKey: string;
  brandId: string;
  memberId?: string | null;
  channel: SalesChannel;
  storeId?: string | null;
  guideId?: string | null;
  lines: { skuId: string; quantity: number }[];
  fulfillment: FulfillmentType;
  expectedTotal?: MoneyInput | null;
}

/** How long products holds a pickup order's units: the whole pickup window; orders returns them sooner (cancel, timeout). */
const RESERVATION_HOLD_MS = 30 * 86_400_000 - 60_000;

const OPERATION = 'placeOrder';

/**
 * Who may place which order (on top of the fences of the store and member checks below): a member for itself on a
 * mini-program; a store's staff or guide at their own store at the POS or over WeCom (代客下单; a guide is the order's
 * guide); a franchisee at the stores it operates, a brand admin in its brand and the platform, on any channel here.
 */
function checkCaller(scope: Scope, input: PlaceOrderInput): void {
  const refuse = (message: string, field: string[] | null = null) => {
    throw UserErrorException.forbidden(message, field);
  };
  if (scope.kind === 'anonymous' || scope.kind === 'partner') refuse('only members, store staff, guides, operators and brand admins place orders');
  if (scope.kind !== 'platform' && 'brandId' in scope && scope.brandId !== input.brandId) refuse('the order is for another brand', ['input', 'brandId']);
  switch (scope.kind) {
    case 'member':
      if (input.memberId !== scope.memberId) refuse('a member places orders for itself only', ['input', 'memberId']);
      if (input.channel !== 'WECHAT_MINIPROGRAM' && input.channel !== 'ALIPAY_MINIPROGRAM') refuse('a member orders on a mini-program', ['input', 'channel']);
      break;
    case 'store':
    case 'guide':
      if (input.storeId !== scope.storeId) refuse('staff and guides place orders at their own store', ['input', 'storeId']);
      if (input.channel !== 'POS' && input.channel !== 'WECOM') refuse('staff and guides place POS or WeCom (代客下单) orders', ['input', 'channel']);
      if (scope.kind === 'guide' && input.guideId && input.guideId !== scope.guideId) refuse("a guide's orders are attributed to that guide", ['input', 'guideId']);
      break;
    case 'franchisee':
      if (!input.storeId) refuse('a franchisee places orders at one of its stores', ['input', 'storeId']);
      break;
    default:
      break;
  }
}

/** The member the order is for, as members knows it now: merged → the survivor; erased or unknown → NOT_FOUND. */
async function memberOf(ctx: OrdersContext, input: PlaceOrderInput): Promise<MemberFacts | null> {
  if (!input.memberId) return null;
  const facts = (await memberFacts(ctx.peers, [input.memberId])).find((f) => f.id === input.memberId);
  if (!facts || facts.erased) throw UserErrorException.notFound('member', ['input', 'memberId']);
  if (facts.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', "the member belongs to another brand", ['input', 'memberId']);
  // A member signed in under an id merged since: the order would belong to the survivor, out of the caller's reach.
  if (ctx.scope.kind === 'member' && facts.memberId !== ctx.scope.memberId) {
    throw UserErrorException.of('MEMBER_MERGED', 'this membership was merged into another one; sign in again', ['input', 'memberId']);
  }
  return facts;
}

/**
 * placeOrder: prices the lines at the store (products' sellableSkus; never a client price), checks the store, the
 * member and the guide, holds the units of a store-pickup order (reserveStock, before any transaction), then writes
 * the order in one transaction under the idempotencyKey. When the write fails the reservation is returned. A replay
 * of the key answers the same order without calling anyone; the key with another request is IDEMPOTENCY_KEY_REUSED.
 */
export async function placeOrder(ctx: OrdersContext, input: PlaceOrderInput): Promise<{ order: OrderRecord }> {
  const { idempotencyKey, ...request } = input;
  const checked = checkPlaceOrderInput(input);
  checkCaller(ctx.scope, input);
  const call = { schema: 'orders', scope: scopeKey(ctx.scope), operation: OPERATION, key: idempotencyKey, request };

  // A replay answers before any other service is asked (and before stock is held a second time); a duplicate sent
  // while the first is in flight waits for its answer.
  const earlier = await replayOrClaimKey<{ orderId: string }>(ctx.db, call);
  if (earlier) return { order: await loadOrder(ctx, earlier.response.orderId) };
  try {
    return await placeNewOrder(ctx, input, checked, call);
  } finally {
    await releaseKeyClaim(ctx.db, call);
  }
}

/** placeOrder's first attempt under its key, which it holds (replayOrClaimKey). */
async function placeNewOrder(ctx: OrdersContext, input: PlaceOrderInput, checked: ReturnType<typeof checkPlaceOrderInput>, call: IdempotentCall): Promise<{ order: OrderRecord }> {
  const { idempotencyKey } = input;
  const member = await memberOf(ctx, input);
  // The store: the one given, else (a delivery order) the member's home store, which prices and is credited with it.
  const storeId = input.storeId ?? member?.homeStoreId ?? null;
  if (!storeId) throw UserErrorException.of('INVALID_INPUT', 'storeId is required: the order is priced at a store', ['input', 'storeId']);
  const live = await operatorBeforeWrite(ctx, storeId);
  const store = await STORE_DIRECTORY.withFence(ctx.db, ctx.scope, storeId, live);
  if (!store || (ctx.scope.kind === 'franchisee' && !store.inScope)) throw UserErrorException.notFound('store', ['input', 'storeId']);
  if (store.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the store belongs to another brand', ['input', 'storeId']);
  const profile = await storeProfile(ctx.db, storeId);
  const placedAt = new Date();
  if (input.fulfillment === 'STORE_PICKUP' || input.channel === 'POS') {
    if (profile?.status === 'CLOSED') throw UserErrorException.of('STORE_CLOSED', 'the store is closed for good', ['input', 'storeId']);
  }
  if (input.fulfillment === 'STORE_PICKUP' && !profile?.pickupEnabled) {
    throw UserErrorException.of('PICKUP_NOT_ENABLED', 'the store does not offer store pickup (门店自提)', ['input', 'fulfillment']);
  }

  const guideId = await attributedGuide(ctx, input, member);

  // Prices of the store, in the order of the lines.
  const skus = new Map((await sellableSkus(ctx.peers, storeId, checked.lines.map((l) => l.skuId))).map((s) => [s.skuId, s]));
  const check = new InputCheck();
  const lines = checked.lines.map((l, i) => {
    const sku = skus.get(l.skuId);
    const field = ['input', 'lines', String(i), 'skuId'];
    if (!sku) check.fail(field, 'no such SKU', 'NOT_FOUND');
    else if (sku.brandId !== input.brandId) check.fail(field, 'a SKU of another brand', 'BRAND_MISMATCH');
    else if (!sku.sellable) check.fail(field, 'not on sale', 'SKU_NOT_SELLABLE');
    const unitPriceFen = sku ? amountToFen(sku.unitPrice.amount) ?? 0 : 0;
    return { skuId: l.skuId, title: sku?.title ?? '', quantity: l.quantity, unitPriceFen, lineTotalFen: unitPriceFen * l.quantity, currency: sku?.unitPrice.currency ?? '' };
  });
  check.done();
  const currency = lines[0]!.currency;
  if (lines.some((l) => l.currency !== currency)) throw UserErrorException.of('CURRENCY_MISMATCH', 'the lines are priced in different currencies', ['input', 'lines']);
  const totalFen = lines.reduce((sum, l) => sum + l.lineTotalFen, 0);
  if (input.expectedTotal) {
    const expected = parseMoneyInput(input.expectedTotal, ['input', 'expectedTotal']);
    if (expected.currency !== currency || expected.fen !== totalFen) {
      throw UserErrorException.of('PRICE_CHANGED', `the total is now ${(totalFen / 100).toFixed(2)} ${currency}`, ['input', 'expectedTotal']);
    }
  }

  // Placed while the store is closed by its opening hours: accepted, and a pickup is scheduled for its next opening.
  const opensAt = profile ? nextOpening(profile.openingHours, profile.timezone, placedAt) : null;
  const offHours = opensAt !== null && opensAt.getTime() > placedAt.getTime();
  const orderId = newId('ord');
  const pickup = input.fulfillment === 'STORE_PICKUP';
  let reservationId: string | null = null;
  if (pickup) {
    const held = await reserveStock(ctx.peers, {
      idempotencyKey: `order-reserve:${orderId}`,
      storeId,
      orderId,
      lines: checked.lines,
      expiresAt: new Date(placedAt.getTime() + RESERVATION_HOLD_MS).toISOString(),
    });
    if (held.userErrors.length > 0 || !held.reservation) throw new UserErrorException(held.userErrors);
    reservationId = held.reservation.id;
  }

  const order: NewOrder = {
    id: orderId,
    brandId: input.brandId,
    channel: input.channel,
    memberId: member?.memberId ?? null,
    memberHomeStoreId: member?.homeStoreId ?? null,
    memberTierCode: member?.tierCode ?? null,
    storeId,
    guideId,
    franchiseeId: store.franchiseeId,
    fulfillmentType: input.fulfillment,
    pickupStoreId: pickup ? storeId : null,
    // A sale at the till is handed over there and needs no code.
    pickupCode: pickup && input.channel !== 'POS' ? newPickupCode() : null,
    readyAt: pickup && offHours ? opensAt!.toISOString() : null,
    totalFen,
    currency,
    placedAt: placedAt.toISOString(),
    paymentDueAt: new Date(placedAt.getTime() + ctx.settings.ORDER_PAYMENT_TIMEOUT_MIN * 60_000).toISOString(),
    offHours,
    reservationId,
    idempotencyKey,
    lines: lines.map(({ currency: _c, ...l }) => l),
  };
  let written: { orderId: string };
  try {
    ({ response: written } = await idempotent(ctx.db, call, async (tx) => {
      await insertOrder(tx, order);
      return { orderId };
    }));
  } catch (e) {
    if (reservationId) await settleReservation({ db: ctx.db, peers: ctx.peers, logger: ctx.logger }, orderId, reservationId, 'RETURN');
    throw e;
  }
  // A parallel request with the same key won: its order stands, the units held for this one go back.
  if (written.orderId !== orderId && reservationId) await settleReservation({ db: ctx.db, peers: ctx.peers, logger: ctx.logger }, orderId, reservationId, 'RETURN');
  return { order: await loadOrder(ctx, written.orderId) };
}

/**
 * The order's guide (导购业绩归属): the caller when a guide places it; else the one given (a guide of the brand, ACTIVE:
 * 代客下单 or a share link); else the member's exclusive guide at order time. Kept on the order after the guide leaves.
 */
async function attributedGuide(ctx: OrdersContext, input: PlaceOrderInput, member: MemberFacts | null): Promise<string | null> {
  if (ctx.scope.kind === 'guide') return ctx.scope.guideId;
  if (!input.guideId) return member?.guideId ?? null;
  const guide = await GUIDE_DIRECTORY.byId(ctx.db, input.guideId);
  if (!guide) throw UserErrorException.notFound('guide', ['input', 'guideId']);
  if (guide.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the guide works for another brand', ['input', 'guideId']);
  if (guide.status !== 'ACTIVE') throw UserErrorException.of('GUIDE_NOT_ACTIVE', 'the guide has left', ['input', 'guideId']);
  return guide.guideId;
}

/** The order as the caller sees it (the caller placed it, so it is in scope; a platform read otherwise would leak). */
async function loadOrder(ctx: OrdersContext, orderId: string): Promise<OrderRecord> {
  const [order] = await ordersByIds(ctx.db, ctx.scope, [orderId]);
  if (!order) throw UserErrorException.notFound('order');
  return order;
}
