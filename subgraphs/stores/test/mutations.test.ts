import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { storesSubgraph } from '../src';
import { CALLERS, type As } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(storesSubgraph);
});
afterAll(async () => {
  await h.close();
});

type UserError = { code: string; field: string[] | null; message: string };
type Payload<T> = { userErrors: UserError[]; franchisee?: T | null; store?: T | null; guide?: T | null };

async function mutate<T = Record<string, unknown>>(as: As, name: string, selection: string, input: Record<string, unknown>): Promise<Payload<T>> {
  const d = await h.data<Record<string, Payload<T>>>(
    as,
    `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${selection} userErrors { code field message } } }`,
    { input },
  );
  return d[name]!;
}

const codes = (p: { userErrors: UserError[] }) => p.userErrors.map((e) => e.code);
const fields = (p: { userErrors: UserError[] }) => p.userErrors.map((e) => e.field?.join('.'));

async function outbox(topic: string, key: string): Promise<Record<string, unknown>[]> {
  const rows = await h.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM stores.outbox WHERE topic = $1 AND key = $2 ORDER BY seq`, [topic, key]);
  return rows.map((r) => r.payload);
}

async function countRows(table: string): Promise<number> {
  const [row] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stores.${table}`);
  return row!.n;
}

const STORE_FIELDS = `store { id code name kind status pickupEnabled phone address { province city district line postalCode } location { lat lng } franchisee { id } openingHours { dayOfWeek opens closes } }`;
type StoreOut = { id: string; code: string; kind: string; status: string; pickupEnabled: boolean; location: unknown; franchisee: { id: string } | null; openingHours: { dayOfWeek: string; opens: string; closes: string }[] };

const ADDRESS = { province: '浙江省', city: '杭州市', district: '西湖区', line: '文三路259号 昌地火炬大厦1楼', postalCode: '310012' };
const newStore = (over: Record<string, unknown> = {}) => ({
  brandId: 'brand-lng',
  franchiseeId: 'fr-lng-a',
  code: 'lng-hz-101',
  name: '朗蜜 杭州文三路店',
  kind: 'FRANCHISE',
  address: ADDRESS,
  location: { lat: 30.2799, lng: 120.1301 },
  phone: '0571-88210259',
  openingHours: [
    { dayOfWeek: 'MONDAY', opens: '13:30', closes: '21:00' },
    { dayOfWeek: 'MONDAY', opens: '09:30', closes: '12:00' },
    { dayOfWeek: 'SATURDAY', opens: '10:00', closes: '22:30' },
  ],
  pickupEnabled: true,
  ...over,
});

describe('createFranchisee', () => {
  test('a brand admin onboards an operator of its brand', async () => {
    const p = await mutate(CALLERS.lngAdmin, 'createFranchisee', 'franchisee { id name kind brand { code } stores { totalCount } }', { brandId: 'brand-lng', name: ' 宁波甬美服饰有限公司 ', kind: 'FRANCHISE' });
    expect(p.userErrors).toEqual([]);
    expect(p.franchisee).toMatchObject({ name: '宁波甬美服饰有限公司', kind: 'FRANCHISE', brand: { code: 'LNG' }, stores: { totalCount: 0 } });
    const again = await mutate(CALLERS.lngAdmin, 'createFranchisee', 'franchisee { id }', { brandId: 'brand-lng', name: '宁波甬美服饰有限公司', kind: 'FRANCHISE' });
    expect(again).toMatchObject({ franchisee: null, userErrors: [{ code: 'ALREADY_EXISTS', field: ['input', 'name'] }] });
  });

  test("another brand's admin, a franchisee, or a bad name get userErrors", async () => {
    const input = { brandId: 'brand-lng', name: '温州丽人服饰', kind: 'FRANCHISE' };
    expect(codes(await mutate(CALLERS.csmAdmin, 'createFranchisee', 'franchisee { id }', input))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate({ ...CALLERS.lngA, scopes: ['stores:admin'] }, 'createFranchisee', 'franchisee { id }', input))).toEqual(['FORBIDDEN']);
    expect(fields(await mutate(CALLERS.lngAdmin, 'createFranchisee', 'franchisee { id }', { ...input, name: '  ' }))).toEqual(['input.name']);
    expect(codes(await mutate(CALLERS.platform, 'createFranchisee', 'franchisee { id }', { ...input, brandId: 'brand-nope' }))).toEqual(['NOT_FOUND']);
  });

  test('without the stores:admin scope the field itself is FORBIDDEN', async () => {
    const res = await h.gql(CALLERS.lngAdminNoScope, `mutation { createFranchisee(input: { brandId: "brand-lng", name: "x", kind: FRANCHISE }) { userErrors { code } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('createStore', () => {
  test('a brand admin opens a store: normalised code, sorted hours, an outbox event in the same transaction', async () => {
    const p = await mutate<StoreOut>(CALLERS.lngAdmin, 'createStore', STORE_FIELDS, newStore());
    expect(p.userErrors).toEqual([]);
    expect(p.store).toMatchObject({ code: 'LNG-HZ-101', kind: 'FRANCHISE', status: 'OPEN', pickupEnabled: true, franchisee: { id: 'fr-lng-a' }, location: { lat: 30.2799, lng: 120.1301 } });
    expect(p.store?.openingHours).toEqual([
      { dayOfWeek: 'MONDAY', opens: '09:30', closes: '12:00' },
      { dayOfWeek: 'MONDAY', opens: '13:30', closes: '21:00' },
      { dayOfWeek: 'SATURDAY', opens: '10:00', closes: '22:30' },
    ]);
    const [event] = await outbox('stores.store.changed', p.store!.id);
    expect(event).toMatchObject({ id: p.store!.id, brandId: 'brand-lng', franchiseeId: 'fr-lng-a', status: 'OPEN', pickupEnabled: true, code: 'LNG-HZ-101' });
    expect(event).not.toHaveProperty('inScope');
    // The operator now lists it.
    const mine = await h.data<{ stores: { totalCount: number } }>(CALLERS.lngA, `{ stores { totalCount } }`);
    expect(mine.stores.totalCount).toBe(3);
  });

  test('the code is unique per brand (ALREADY_EXISTS), not across brands', async () => {
    expect(await mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({ code: 'LNG-HZ-001' }))).toMatchObject({ store: null, userErrors: [{ code: 'ALREADY_EXISTS', field: ['input', 'code'] }] });
    const other = await mutate(CALLERS.csmAdmin, 'createStore', 'store { code }', newStore({ brandId: 'brand-csm', franchiseeId: 'fr-csm-a', code: 'LNG-HZ-001' }));
    expect(other).toMatchObject({ store: { code: 'LNG-HZ-001' }, userErrors: [] });
  });

  test('two concurrent openings with one code: exactly one wins, the other gets ALREADY_EXISTS', async () => {
    const results = await Promise.all([1, 2, 3].map(() => mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({ code: 'LNG-RACE-1' }))));
    expect(results.filter((r) => r.store !== null)).toHaveLength(1);
    expect(results.flatMap(codes).sort()).toEqual(['ALREADY_EXISTS', 'ALREADY_EXISTS']);
  });

  test('the operator must be of the brand and of the store kind', async () => {
    expect(codes(await mutate(CALLERS.platform, 'createStore', 'store { id }', newStore({ franchiseeId: 'fr-csm-a', code: 'X-1' })))).toEqual(['BRAND_MISMATCH']);
    // For a brand admin another brand's operator is out of scope: not found.
    expect(codes(await mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({ franchiseeId: 'fr-csm-a', code: 'X-1' })))).toEqual(['NOT_FOUND']);
    expect(await mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({ kind: 'DIRECT', code: 'X-1' }))).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'kind'] }] });
    expect(codes(await mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({ franchiseeId: 'fr-nope', code: 'X-1' })))).toEqual(['NOT_FOUND']);
  });

  test("only the brand's admins may open its stores", async () => {
    expect(codes(await mutate(CALLERS.csmAdmin, 'createStore', 'store { id }', newStore({ code: 'X-2' })))).toEqual(['FORBIDDEN']);
    const res = await h.gql(CALLERS.lngA, `mutation($i: CreateStoreInput!) { createStore(input: $i) { userErrors { code } } }`, { i: newStore({ code: 'X-2' }) });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('every invalid field is reported at once, and nothing is written', async () => {
    const before = [await countRows('store'), await countRows('opening_hours'), await countRows('outbox')];
    const p = await mutate(CALLERS.lngAdmin, 'createStore', 'store { id }', newStore({
      code: '店-1',
      name: '',
      address: { ...ADDRESS, postalCode: '3100', line: ' ' },
      location: { lat: 120.13, lng: 30.28 },
      phone: 'call me',
      openingHours: [{ dayOfWeek: 'MONDAY', opens: '22:00', closes: '10:00' }],
    }));
    expect(p.store).toBeNull();
    expect(fields(p).sort()).toEqual(['input.address.line', 'input.address.postalCode', 'input.code', 'input.location.lat', 'input.location.lng', 'input.name', 'input.openingHours.0.closes', 'input.phone']);
    expect(new Set(codes(p))).toEqual(new Set(['INVALID_INPUT']));
    expect([await countRows('store'), await countRows('opening_hours'), await countRows('outbox')]).toEqual(before);
  });
});

describe('updateStore', () => {
  const FIELDS = 'store { id name phone status pickupEnabled kind location { lat } franchisee { id } }';

  test("the store's operator edits it; an event records the new state", async () => {
    const p = await mutate(CALLERS.lngA, 'updateStore', FIELDS, { storeId: 'store-lng-04', name: '朗蜜 杭州西溪印象城旗舰店', phone: '0571-88731137', location: null });
    expect(p).toMatchObject({ userErrors: [], store: { name: '朗蜜 杭州西溪印象城旗舰店', phone: '0571-88731137', location: null, franchisee: { id: 'fr-lng-a' } } });
    const events = await outbox('stores.store.changed', 'store-lng-04');
    expect(events.at(-1)).toMatchObject({ name: '朗蜜 杭州西溪印象城旗舰店', franchiseeId: 'fr-lng-a', brandId: 'brand-lng', location: null });
    expect(events.at(-1)?.openingHours).toHaveLength(7);
  });

  test('another operator gets FORBIDDEN, staff too; an unknown store NOT_FOUND', async () => {
    expect(codes(await mutate(CALLERS.lngB, 'updateStore', 'store { id }', { storeId: 'store-lng-04', name: 'x' }))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.staff03, 'updateStore', 'store { id }', { storeId: 'store-lng-03', name: 'x' }))).toEqual(['FORBIDDEN']);
    expect(await mutate(CALLERS.lngAdmin, 'updateStore', 'store { id }', { storeId: 'store-nope', name: 'x' })).toMatchObject({ userErrors: [{ code: 'NOT_FOUND', field: ['input', 'storeId'] }] });
    const [row] = await h.db.query<{ name: string }>(`SELECT name FROM stores.store WHERE id = 'store-lng-03'`);
    expect(row?.name).toBe('朗蜜 杭州湖滨银泰in77店');
  });

  test('closing a store turns pickup off; pickup cannot be turned on while CLOSED', async () => {
    const closed = await mutate(CALLERS.lngB, 'updateStore', FIELDS, { storeId: 'store-lng-06', status: 'CLOSED' });
    expect(closed.store).toMatchObject({ status: 'CLOSED', pickupEnabled: false });
    expect(await mutate(CALLERS.lngB, 'updateStore', FIELDS, { storeId: 'store-lng-06', pickupEnabled: true })).toMatchObject({ store: null, userErrors: [{ code: 'STORE_CLOSED', field: ['input', 'pickupEnabled'] }] });
    const reopened = await mutate(CALLERS.lngB, 'updateStore', FIELDS, { storeId: 'store-lng-06', status: 'OPEN', pickupEnabled: true });
    expect(reopened.store).toMatchObject({ status: 'OPEN', pickupEnabled: true });
  });

  test('handing a store to another operator needs a brand admin with stores:admin; the kind follows the operator', async () => {
    expect(await mutate(CALLERS.lngA, 'updateStore', 'store { id }', { storeId: 'store-lng-03', franchiseeId: 'fr-lng-b' })).toMatchObject({ userErrors: [{ code: 'FORBIDDEN', field: ['input', 'franchiseeId'] }] });
    expect(codes(await mutate(CALLERS.lngAdminNoScope, 'updateStore', 'store { id }', { storeId: 'store-lng-11', franchiseeId: 'fr-lng-b' }))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngAdmin, 'updateStore', 'store { id }', { storeId: 'store-lng-11', franchiseeId: 'fr-csm-a' }))).toEqual(['NOT_FOUND']);
    expect(codes(await mutate(CALLERS.platform, 'updateStore', 'store { id }', { storeId: 'store-lng-11', franchiseeId: 'fr-csm-a' }))).toEqual(['BRAND_MISMATCH']);
    const moved = await mutate(CALLERS.lngAdmin, 'updateStore', FIELDS, { storeId: 'store-lng-11', franchiseeId: 'fr-lng-b' });
    expect(moved).toMatchObject({ userErrors: [], store: { kind: 'FRANCHISE', franchisee: { id: 'fr-lng-b' } } });
    expect((await outbox('stores.store.changed', 'store-lng-11')).at(-1)).toMatchObject({ franchiseeId: 'fr-lng-b', kind: 'FRANCHISE' });
    // The new operator now lists it, the old one no longer reaches its private side.
    const ids = await h.data<{ stores: { edges: { node: { id: string } }[] } }>(CALLERS.lngB, `{ stores { edges { node { id } } } }`);
    expect(ids.stores.edges.map((e) => e.node.id)).toContain('store-lng-11');
  });

  test('invalid changes are INVALID_INPUT with their paths', async () => {
    const p = await mutate(CALLERS.lngAdmin, 'updateStore', 'store { id }', { storeId: 'store-lng-01', name: '', phone: '12', address: { ...ADDRESS, city: '' } });
    expect(fields(p).sort()).toEqual(['input.address.city', 'input.name', 'input.phone']);
  });
});

describe('setStoreOpeningHours', () => {
  const FIELDS = 'store { id openingHours { dayOfWeek opens closes } }';
  type Hours = { store: { openingHours: { dayOfWeek: string; opens: string; closes: string }[] } };
  const hoursOf = async (id: string) => (await h.data<Hours>(CALLERS.platform, `query($id: ID!) { store(id: $id) { openingHours { dayOfWeek opens closes } } }`, { id })).store.openingHours;

  test('store staff replace the weekly schedule, with a lunch break and midnight closing', async () => {
    const hours = [
      { dayOfWeek: 'FRIDAY', opens: '10:00', closes: '24:00' },
      { dayOfWeek: 'MONDAY', opens: '14:00', closes: '22:00' },
      { dayOfWeek: 'MONDAY', opens: '10:00', closes: '12:30' },
    ];
    const p = await mutate(CALLERS.staff03, 'setStoreOpeningHours', FIELDS, { storeId: 'store-lng-03', openingHours: hours });
    expect(p.userErrors).toEqual([]);
    expect(await hoursOf('store-lng-03')).toEqual([hours[2], hours[1], hours[0]]);
    expect((await outbox('stores.store.changed', 'store-lng-03')).at(-1)?.openingHours).toEqual([hours[2], hours[1], hours[0]]);
  });

  test('an empty schedule closes every day', async () => {
    const p = await mutate(CALLERS.lngA, 'setStoreOpeningHours', FIELDS, { storeId: 'store-lng-04', openingHours: [] });
    expect(p).toMatchObject({ userErrors: [], store: { openingHours: [] } });
  });

  test('invalid hours are reported per entry and nothing is written', async () => {
    const before = await hoursOf('store-lng-01');
    const outboxBefore = await countRows('outbox');
    const p = await mutate(CALLERS.lngAdmin, 'setStoreOpeningHours', FIELDS, {
      storeId: 'store-lng-01',
      openingHours: [
        { dayOfWeek: 'MONDAY', opens: '10:00', closes: '14:00' },
        { dayOfWeek: 'MONDAY', opens: '13:00', closes: '22:00' },
        { dayOfWeek: 'TUESDAY', opens: '10:00', closes: '09:00' },
        { dayOfWeek: 'WEDNESDAY', opens: '24:00', closes: '24:00' },
        { dayOfWeek: 'THURSDAY', opens: '9:00', closes: '00:00' },
        { dayOfWeek: 'FRIDAY', opens: '10:00', closes: '25:00' },
      ],
    });
    expect(p.store).toBeNull();
    expect(fields(p)).toEqual(['input.openingHours.2.closes', 'input.openingHours.3.opens', 'input.openingHours.4.opens', 'input.openingHours.4.closes', 'input.openingHours.5.closes', 'input.openingHours.1.opens']);
    expect(new Set(codes(p))).toEqual(new Set(['INVALID_INPUT']));
    expect(await hoursOf('store-lng-01')).toEqual(before);
    expect(await countRows('outbox')).toBe(outboxBefore);
  });

  test('at most four intervals a day', async () => {
    const slots = ['08:00', '10:00', '12:00', '14:00', '16:00'].map((opens, i) => ({ dayOfWeek: 'SUNDAY', opens, closes: `${String(9 + 2 * i).padStart(2, '0')}:00` }));
    const p = await mutate(CALLERS.lngAdmin, 'setStoreOpeningHours', FIELDS, { storeId: 'store-lng-01', openingHours: slots });
    expect(p.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'openingHours', '4'] })]);
  });

  test('guides and other operators may not; unknown stores are NOT_FOUND', async () => {
    const input = { storeId: 'store-lng-03', openingHours: [] };
    expect(codes(await mutate(CALLERS.guide03, 'setStoreOpeningHours', FIELDS, input))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngB, 'setStoreOpeningHours', FIELDS, input))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngAdmin, 'setStoreOpeningHours', FIELDS, { ...input, storeId: 'store-nope' }))).toEqual(['NOT_FOUND']);
    expect(codes(await mutate(CALLERS.member, 'setStoreOpeningHours', FIELDS, input))).toEqual(['FORBIDDEN']);
  });
});

describe('guides: hiring and leaving', () => {
  const FIELDS = 'guide { id name wecomUserId status joinedAt leftAt store { id } }';
  type GuideOut = { id: string; status: string; joinedAt: string; leftAt: string | null };

  test('store staff hire a guide; an event is appended', async () => {
    const p = await mutate<GuideOut>(CALLERS.staff03, 'createGuide', FIELDS, { storeId: 'store-lng-03', name: '苏婉婷', wecomUserId: 'SuWanTing', joinedAt: '2024-11-01T09:00:00+08:00' });
    expect(p).toMatchObject({ userErrors: [], guide: { name: '苏婉婷', status: 'ACTIVE', joinedAt: '2024-11-01T01:00:00.000Z', leftAt: null, store: { id: 'store-lng-03' } } });
    expect(await outbox('stores.guide.changed', p.guide!.id)).toEqual([expect.objectContaining({ status: 'ACTIVE', storeId: 'store-lng-03', brandId: 'brand-lng', wecomUserId: 'SuWanTing', leftAt: null })]);
  });

  test('the WeCom userid is unique (case-insensitively, as WeCom) within the brand, not across brands', async () => {
    expect(await mutate(CALLERS.lngA, 'createGuide', FIELDS, { storeId: 'store-lng-04', name: '王思琪', wecomUserId: 'wangsiqi' })).toMatchObject({ guide: null, userErrors: [{ code: 'ALREADY_EXISTS', field: ['input', 'wecomUserId'] }] });
    expect((await mutate(CALLERS.csmAdmin, 'createGuide', FIELDS, { storeId: 'store-csm-02', name: '王思琪', wecomUserId: 'WangSiQi' })).userErrors).toEqual([]);
  });

  test('guides, other operators, CLOSED and unknown stores are refused', async () => {
    const input = { storeId: 'store-lng-03', name: '新导购' };
    expect(codes(await mutate(CALLERS.guide03, 'createGuide', FIELDS, input))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngB, 'createGuide', FIELDS, input))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngB, 'createGuide', FIELDS, { ...input, storeId: 'store-lng-10' }))).toEqual(['STORE_CLOSED']);
    expect(codes(await mutate(CALLERS.lngAdmin, 'createGuide', FIELDS, { ...input, storeId: 'store-nope' }))).toEqual(['NOT_FOUND']);
    expect(fields(await mutate(CALLERS.lngAdmin, 'createGuide', FIELDS, { ...input, name: '', wecomUserId: 'has space' })).sort()).toEqual(['input.name', 'input.wecomUserId']);
  });

  test('a malformed DateTime is BAD_USER_INPUT', async () => {
    const res = await h.gql(CALLERS.lngAdmin, `mutation($i: CreateGuideInput!) { createGuide(input: $i) { userErrors { code } } }`, { i: { storeId: 'store-lng-03', name: 'x', joinedAt: '2024-11-01 09:00' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('markGuideLeft: ACTIVE → LEFT once, with an event; then INVALID_TRANSITION', async () => {
    const p = await mutate<GuideOut>(CALLERS.lngA, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-03-2', leftAt: '2024-12-31T18:00:00+08:00' });
    expect(p).toMatchObject({ userErrors: [], guide: { status: 'LEFT', leftAt: '2024-12-31T10:00:00.000Z' } });
    expect((await outbox('stores.guide.changed', 'gd-lng-03-2')).at(-1)).toMatchObject({ status: 'LEFT', leftAt: '2024-12-31T10:00:00.000Z' });
    expect(codes(await mutate(CALLERS.lngA, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-03-2' }))).toEqual(['INVALID_TRANSITION']);
    expect(codes(await mutate(CALLERS.lngA, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-03-3' }))).toEqual(['INVALID_TRANSITION']);
  });

  test('markGuideLeft: leftAt not before joinedAt nor in the future; scope and role checked', async () => {
    expect(await mutate(CALLERS.lngAdmin, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-05-3', leftAt: '2023-01-01T00:00:00+08:00' })).toMatchObject({ userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'leftAt'] }] });
    expect(codes(await mutate(CALLERS.lngAdmin, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-05-3', leftAt: '2999-01-01T00:00:00Z' }))).toEqual(['INVALID_INPUT']);
    expect(codes(await mutate(CALLERS.lngB, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-03-1' }))).toEqual(['NOT_FOUND']);
    expect(codes(await mutate(CALLERS.guide03, 'markGuideLeft', FIELDS, { guideId: 'gd-lng-03-1' }))).toEqual(['FORBIDDEN']);
    expect(codes(await mutate(CALLERS.lngAdmin, 'markGuideLeft', FIELDS, { guideId: 'gd-nope' }))).toEqual(['NOT_FOUND']);
    const [row] = await h.db.query<{ status: string }>(`SELECT status FROM stores.guide WHERE id = 'gd-lng-05-3'`);
    expect(row?.status).toBe('ACTIVE');
  });
});
