import type { Queryable } from '../src/db/database';
import { GUIDE_CHANGED_TOPIC, GuideDirectory, type GuideChange } from '../src/guide-directory';
import { createTestDatabase, type TestDatabase } from '../src/testing';

// The rules every subgraph's guide directory applies stores.guide.changed with (docs/architecture.md §6), on three
// tables shaped as members' (left_at), channels' (wecom_user_id) and orders' (neither) are.

let t: TestDatabase;
const members = new GuideDirectory('gd_members', { keeps: ['leftAt'] });
const channels = new GuideDirectory('gd_channels', { keeps: ['wecomUserId'] });
const orders = new GuideDirectory('gd_orders');

beforeAll(async () => {
  t = await createTestDatabase('guide-directory-test');
  for (const [schema, extra] of [['gd_members', 'left_at timestamptz,'], ['gd_channels', 'wecom_user_id text,'], ['gd_orders', '']]) {
    await t.db.query(`CREATE SCHEMA ${schema}`);
    await t.db.query(
      `CREATE TABLE ${schema}.guide_directory (guide_id text PRIMARY KEY, brand_id text NOT NULL, store_id text NOT NULL,
         status text NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')), ${extra} updated_at timestamptz NOT NULL DEFAULT now())`,
    );
  }
});
afterAll(async () => {
  await t?.drop();
});

let seq = 0;
const freshId = () => `gd-${++seq}`;
const apply = (dir: Pick<GuideDirectory, 'applyGuideChanged'>, payload: unknown) => t.db.transaction((tx) => dir.applyGuideChanged(tx, payload));
const event = (id: string, over: Record<string, unknown> = {}) => ({ id, brandId: 'brand-a', storeId: 'store-1', name: '导购', status: 'ACTIVE', joinedAt: '2024-01-01T00:00:00Z', leftAt: null, ...over });
const updatedAt = async (dir: { table: string }, id: string) =>
  (await t.db.query<{ at: Date }>(`SELECT updated_at AS at FROM ${dir.table} WHERE guide_id = $1`, [id]))[0]!.at.toISOString();

/** A Queryable that counts the statements sent through it. */
function counting(q: Queryable): Queryable & { statements: number } {
  const c = {
    statements: 0,
    query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
      c.statements++;
      return q.query<R>(text, params);
    },
  };
  return c;
}

describe('GuideDirectory: stores.guide.changed', () => {
  it('is the consumer of stores.guide.changed and refuses a payload without what it needs', async () => {
    expect(members.consumer.topic).toBe(GUIDE_CHANGED_TOPIC);
    expect(GUIDE_CHANGED_TOPIC).toBe('stores.guide.changed');
    for (const bad of [null, {}, event('gd-bad', { brandId: '' }), event('gd-bad', { storeId: undefined }), event('gd-bad', { status: 'RETIRED' }), event('', {})]) {
      await expect(apply(orders, bad)).rejects.toThrow('stores.guide.changed payload needs id, brandId, storeId and status ACTIVE or LEFT');
    }
    expect(await orders.byIds(t.db, ['gd-bad', ''])).toEqual([]);
    expect(() => new GuideDirectory('no; drop')).toThrow(/invalid schema name/);
  });

  it('orders changes by updatedAt: an older one arriving late changes nothing, and the version never goes back', async () => {
    const id = freshId();
    await apply(orders, event(id, { storeId: 'store-2', updatedAt: '2025-03-02T00:00:00Z' }));
    await apply(orders, event(id, { storeId: 'store-1', updatedAt: '2025-03-01T00:00:00Z' }));
    expect(await orders.byId(t.db, id)).toEqual({ guideId: id, brandId: 'brand-a', storeId: 'store-2', status: 'ACTIVE' });
    expect(await updatedAt(orders, id)).toBe('2025-03-02T00:00:00.000Z');
    await apply(orders, event(id, { storeId: 'store-3', updatedAt: '2025-03-03T00:00:00Z' }));
    expect((await orders.byId(t.db, id))!.storeId).toBe('store-3');
    // Without updatedAt (stores' guide events carry none today) a change applies.
    await apply(orders, event(id, { storeId: 'store-4' }));
    expect((await orders.byId(t.db, id))!.storeId).toBe('store-4');
  });

  it('keeps a guide who LEFT LEFT: no ACTIVE state revives it, however new, and LEFT wins over a newer ACTIVE', async () => {
    for (const dir of [members, channels, orders]) {
      const id = freshId();
      await apply(dir, event(id, { updatedAt: '2025-05-02T00:00:00Z', wecomUserId: 'ZhangSan' }));
      // The LEFT change was made before the ACTIVE one recorded (clocks, a replay): LEFT is final all the same.
      await apply(dir, event(id, { status: 'LEFT', leftAt: '2025-05-01T10:00:00Z', updatedAt: '2025-05-01T10:00:00Z', storeId: 'store-9' }));
      await apply(dir, event(id, { status: 'ACTIVE', updatedAt: '2025-06-01T00:00:00Z', storeId: 'store-1', wecomUserId: 'LiSi' }));
      await apply(dir, event(id, { status: 'ACTIVE', storeId: 'store-1' }));
      expect(await dir.byId(t.db, id)).toMatchObject({ status: 'LEFT', storeId: 'store-9' });
      expect(await updatedAt(dir, id)).toBe('2025-05-02T00:00:00.000Z');
    }
  });

  it('records when a guide left (the first time told), fills it in from a later LEFT, and orders LEFT changes', async () => {
    const id = freshId();
    await apply(members, event(id, { status: 'LEFT' }));
    expect(await members.byId(t.db, id)).toEqual({ guideId: id, brandId: 'brand-a', storeId: 'store-1', status: 'LEFT', leftAt: null });
    await apply(members, event(id, { status: 'LEFT', leftAt: '2025-01-31T01:00:00Z' }));
    expect((await members.byId(t.db, id))!.leftAt).toEqual(new Date('2025-01-31T01:00:00Z'));
    await apply(members, event(id, { status: 'LEFT', leftAt: '2025-02-28T01:00:00Z', storeId: 'store-2' }));
    expect(await members.byId(t.db, id)).toMatchObject({ storeId: 'store-1', leftAt: new Date('2025-01-31T01:00:00Z') });
    await apply(members, event(id, { status: 'LEFT', leftAt: '2025-02-28T01:00:00Z', storeId: 'store-2', updatedAt: '2099-01-01T00:00:00Z' }));
    expect(await members.byId(t.db, id)).toMatchObject({ storeId: 'store-2', leftAt: new Date('2025-01-31T01:00:00Z') });
    // An ACTIVE guide has no leaving time, whatever its event says.
    const active = freshId();
    await apply(members, event(active, { leftAt: '2025-01-31T01:00:00Z' }));
    expect((await members.byId(t.db, active))!.leftAt).toBeNull();
  });

  it('keeps only the optional facts its table has', async () => {
    const id = freshId();
    await apply(channels, event(id, { wecomUserId: 'WangWu', leftAt: '2025-01-31T01:00:00Z' }));
    await apply(orders, event(id, { wecomUserId: 'WangWu' }));
    await apply(members, event(id, { wecomUserId: 'WangWu' }));
    expect(await channels.byId(t.db, id)).toEqual({ guideId: id, brandId: 'brand-a', storeId: 'store-1', status: 'ACTIVE', wecomUserId: 'WangWu' });
    expect(await orders.byId(t.db, id)).toEqual({ guideId: id, brandId: 'brand-a', storeId: 'store-1', status: 'ACTIVE' });
    expect(await members.byId(t.db, id)).toEqual({ guideId: id, brandId: 'brand-a', storeId: 'store-1', status: 'ACTIVE', leftAt: null });
    await apply(channels, event(id, { wecomUserId: '' }));
    expect((await channels.byId(t.db, id))!.wecomUserId).toBeNull();
  });
});

describe('GuideDirectory: lookups', () => {
  it('finds many guides in one statement, the unknown ones absent', async () => {
    const ids = Array.from({ length: 120 }, () => freshId());
    const changes: GuideChange[] = ids.map((guideId, i) => ({ guideId, brandId: 'brand-b', storeId: `store-${i % 3}`, status: i % 4 === 0 ? 'LEFT' : 'ACTIVE', wecomUserId: `u${i}` }));
    for (const c of changes) await channels.upsert(t.db, c);
    const q = counting(t.db);
    const found = await channels.byIds(q, [...ids, 'gd-unknown']);
    expect(q.statements).toBe(1);
    expect(found.sort((a, b) => a.guideId.localeCompare(b.guideId))).toEqual(changes.map((c) => ({ ...c })).sort((a, b) => a.guideId.localeCompare(b.guideId)));
    expect(await channels.byIds(q, [])).toEqual([]);
    expect(q.statements).toBe(2);
  });

  it('lists the ACTIVE guides of a store by id', async () => {
    const [a, b, c] = [freshId(), freshId(), freshId()];
    for (const [id, status] of [[b, 'ACTIVE'], [a, 'ACTIVE'], [c, 'LEFT']]) await apply(orders, event(id!, { storeId: 'store-act', status }));
    expect((await orders.activeOfStore(t.db, 'store-act')).map((g) => g.guideId)).toEqual([a, b].sort());
  });

  it('seeds demo guides as of a time any real event is newer than, leaving known guides alone', async () => {
    const [known, fresh] = [freshId(), freshId()];
    await apply(members, event(known, { storeId: 'store-real' }));
    await members.seed(t.db, [
      { guideId: known, brandId: 'brand-a', storeId: 'store-demo', status: 'ACTIVE' },
      { guideId: fresh, brandId: 'brand-a', storeId: 'store-demo', status: 'LEFT', leftAt: '2024-06-30T00:00:00Z' },
    ], '2024-01-01T00:00:00Z');
    expect((await members.byId(t.db, known))!.storeId).toBe('store-real');
    expect(await members.byId(t.db, fresh)).toMatchObject({ status: 'LEFT', leftAt: new Date('2024-06-30T00:00:00Z') });
    expect(await updatedAt(members, fresh)).toBe('2024-01-01T00:00:00.000Z');
    await apply(members, event(fresh, { status: 'LEFT', storeId: 'store-real', updatedAt: '2024-07-01T00:00:00Z' }));
    expect((await members.byId(t.db, fresh))!.storeId).toBe('store-real');
  });
});
