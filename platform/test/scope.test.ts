import { fenceSql, scopeFromViewer, scopeKey, type FenceColumns, type Scope } from '../src/auth/scope';
import { storeRowFence } from '../src/auth/fences';
import { makeViewer } from '../src/auth/viewer';
import { SqlParams } from '../src/db/sql';
import { createTestDatabase, type TestDatabase } from '../src/testing';

describe('scopeFromViewer', () => {
  it.each<[string, Parameters<typeof makeViewer>[0], Scope]>([
    ['platform admin', { role: 'PLATFORM_ADMIN' }, { kind: 'platform' }],
    ['service', { role: 'SERVICE' }, { kind: 'platform' }],
    ['brand admin', { role: 'BRAND_ADMIN', brandId: 'b1' }, { kind: 'brand', brandId: 'b1' }],
    ['franchisee', { role: 'FRANCHISEE', brandId: 'b1', franchiseeId: 'f1' }, { kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' }],
    ['store staff', { role: 'STORE_STAFF', brandId: 'b1', storeId: 's1' }, { kind: 'store', brandId: 'b1', storeId: 's1' }],
    ['guide', { role: 'GUIDE', brandId: 'b1', storeId: 's1', guideId: 'g1' }, { kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' }],
    ['member', { role: 'MEMBER', brandId: 'b1', memberId: 'm1' }, { kind: 'member', brandId: 'b1', memberId: 'm1' }],
    ['partner', { role: 'PARTNER', partnerBrandId: 'b2' }, { kind: 'partner', partnerBrandId: 'b2' }],
    ['anonymous', { role: 'ANONYMOUS' }, { kind: 'anonymous' }],
  ])('maps a %s', (_label, viewer, scope) => {
    expect(scopeFromViewer(makeViewer(viewer))).toEqual(scope);
  });

  it.each<[string, Parameters<typeof makeViewer>[0]]>([
    ['brand admin without brandId', { role: 'BRAND_ADMIN' }],
    ['franchisee without franchiseeId', { role: 'FRANCHISEE', brandId: 'b1' }],
    ['store staff without storeId', { role: 'STORE_STAFF', brandId: 'b1' }],
    ['guide without guideId', { role: 'GUIDE', brandId: 'b1', storeId: 's1' }],
    ['member without brandId', { role: 'MEMBER', memberId: 'm1' }],
    ['partner without partnerBrandId', { role: 'PARTNER', brandId: 'b1' }],
  ])('falls back to anonymous for a %s', (_label, viewer) => {
    expect(scopeFromViewer(makeViewer(viewer))).toEqual({ kind: 'anonymous' });
  });

  it('gives distinct keys to distinct tenants', () => {
    expect(scopeKey({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' })).toBe('franchisee:f1');
    expect(scopeKey({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f2' })).not.toBe(scopeKey({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' }));
    expect(scopeKey({ kind: 'store', brandId: 'b1', storeId: 'x' })).not.toBe(scopeKey({ kind: 'guide', brandId: 'b1', storeId: 'x', guideId: 'x' }));
  });
});

const ALL: FenceColumns = { brand: 't.brand_id', franchisee: 't.franchisee_id', store: 't.store_id', guide: 't.guide_id', member: 't.member_id', partnerBrand: 't.partner_brand_id' };

/** The condition with its parameters written in place, so the assertions do not depend on parameter order. */
function fence(scope: Scope, cols: FenceColumns = ALL): string {
  const p = new SqlParams();
  const sql = fenceSql(scope, cols, p);
  const used = new Set<number>();
  const rendered = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    used.add(Number(n));
    return `'${String(p.values[Number(n) - 1])}'`;
  });
  // Every collected parameter is referenced (PostgreSQL refuses an unreferenced untyped one).
  expect(used.size).toBe(p.values.length);
  return rendered;
}

describe('fenceSql', () => {
  it('builds one parameterised condition per scope kind', () => {
    expect(fence({ kind: 'platform' })).toBe('TRUE');
    expect(fence({ kind: 'anonymous' })).toBe('FALSE');
    expect(fence({ kind: 'brand', brandId: 'b1' })).toBe("(t.brand_id = 'b1')");
    expect(fence({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' })).toBe("(t.brand_id = 'b1' AND t.franchisee_id = 'f1')");
    expect(fence({ kind: 'store', brandId: 'b1', storeId: 's1' })).toBe("(t.brand_id = 'b1' AND t.store_id = 's1')");
    expect(fence({ kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' })).toBe("(t.brand_id = 'b1' AND t.guide_id = 'g1')");
    expect(fence({ kind: 'member', brandId: 'b1', memberId: 'm1' })).toBe("(t.brand_id = 'b1' AND t.member_id = 'm1')");
    expect(fence({ kind: 'partner', partnerBrandId: 'b2' })).toBe("(t.partner_brand_id = 'b2')");
  });

  it('fences a guide by store where the table has no guide column', () => {
    const { guide: _g, ...noGuide } = ALL;
    expect(fence({ kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' }, noGuide)).toBe("(t.brand_id = 'b1' AND t.store_id = 's1')");
  });

  it('numbers parameters after the ones already added', () => {
    const p = new SqlParams();
    p.add('earlier');
    const sql = fenceSql({ kind: 'store', brandId: 'b1', storeId: 's1' }, ALL, p);
    expect(p.values).toHaveLength(3);
    expect(p.values[0]).toBe('earlier');
    expect(sql).toContain(`t.brand_id = $${p.values.indexOf('b1') + 1}`);
    expect(sql).toContain(`t.store_id = $${p.values.indexOf('s1') + 1}`);
  });

  it.each<[string, Scope, FenceColumns]>([
    ['brand', { kind: 'brand', brandId: 'b1' }, { store: 't.store_id' }],
    ['franchisee', { kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' }, { brand: 't.brand_id', store: 't.store_id' }],
    ['store', { kind: 'store', brandId: 'b1', storeId: 's1' }, { brand: 't.brand_id', franchisee: 't.franchisee_id' }],
    ['guide', { kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' }, { brand: 't.brand_id' }],
    ['member', { kind: 'member', brandId: 'b1', memberId: 'm1' }, { brand: 't.brand_id', store: 't.store_id' }],
    ['partner', { kind: 'partner', partnerBrandId: 'b2' }, { brand: 't.brand_id' }],
  ])('gives FALSE to a %s scope when the table lacks its column', (_label, scope, cols) => {
    expect(fence(scope, cols)).toBe('FALSE');
  });
});

describe('fenceSql on PostgreSQL', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('scope-test');
    await t.db.query(`CREATE TABLE orders (id text PRIMARY KEY, brand_id text NOT NULL, franchisee_id text, store_id text NOT NULL, guide_id text, member_id text)`);
    await t.db.query(
      `INSERT INTO orders VALUES
        ('o1', 'b1', 'f1', 's1', 'g1', 'm1'),
        ('o2', 'b1', 'f1', 's2', 'g2', 'm2'),
        ('o3', 'b1', 'f2', 's3', 'g3', 'm1'),
        ('o4', 'b1', NULL, 's4', NULL, 'm3'),
        ('o5', 'b2', 'f1', 's5', 'g1', 'm1')`,
    );
  });

  afterAll(async () => {
    await t.drop();
  });

  async function visible(scope: Scope, cols: FenceColumns = { brand: 'o.brand_id', franchisee: 'o.franchisee_id', store: 'o.store_id', guide: 'o.guide_id', member: 'o.member_id' }): Promise<string[]> {
    const p = new SqlParams();
    const rows = await t.db.query<{ id: string }>(`SELECT o.id FROM orders o WHERE ${fenceSql(scope, cols, p)} ORDER BY o.id`, p.values);
    return rows.map((r) => r.id);
  }

  it('shows a franchisee only its own rows in its brand', async () => {
    expect(await visible({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' })).toEqual(['o1', 'o2']);
    expect(await visible({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f2' })).toEqual(['o3']);
    expect(await visible({ kind: 'franchisee', brandId: 'b2', franchiseeId: 'f1' })).toEqual(['o5']);
  });

  it('shows each other scope kind exactly its rows', async () => {
    expect(await visible({ kind: 'platform' })).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    expect(await visible({ kind: 'brand', brandId: 'b1' })).toEqual(['o1', 'o2', 'o3', 'o4']);
    expect(await visible({ kind: 'store', brandId: 'b1', storeId: 's2' })).toEqual(['o2']);
    expect(await visible({ kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' })).toEqual(['o1']);
    expect(await visible({ kind: 'member', brandId: 'b1', memberId: 'm1' })).toEqual(['o1', 'o3']);
    expect(await visible({ kind: 'anonymous' })).toEqual([]);
    expect(await visible({ kind: 'partner', partnerBrandId: 'b1' })).toEqual([]);
  });

  it('shows nothing when a hostile id tries to break out of the condition', async () => {
    expect(await visible({ kind: 'franchisee', brandId: 'b1', franchiseeId: "f1' OR '1'='1" })).toEqual([]);
    expect(await visible({ kind: 'brand', brandId: "x' OR TRUE --" })).toEqual([]);
  });

  it('shows nothing when the table does not map the scope column', async () => {
    expect(await visible({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' }, { brand: 'o.brand_id', store: 'o.store_id' })).toEqual([]);
  });
});

describe('storeRowFence on PostgreSQL (a row with its own store, guide and member columns, e.g. a member)', () => {
  let t: TestDatabase;
  const STORES = { table: 'dir', id: 'store_id', brand: 'brand_id', franchisee: 'franchisee_id' };

  beforeAll(async () => {
    t = await createTestDatabase('store-row-fence-test');
    await t.db.query(`CREATE TABLE dir (store_id text PRIMARY KEY, brand_id text NOT NULL, franchisee_id text)`);
    await t.db.query(`INSERT INTO dir VALUES ('s1', 'b1', 'f1'), ('s2', 'b1', 'f2'), ('s5', 'b2', 'f1')`);
    await t.db.query(`CREATE TABLE members (id text PRIMARY KEY, brand_id text NOT NULL, home_store_id text, guide_id text)`);
    await t.db.query(
      `INSERT INTO members VALUES ('m1', 'b1', 's1', 'g1'), ('m2', 'b1', 's1', 'g2'), ('m3', 'b1', 's2', NULL), ('m4', 'b1', NULL, NULL), ('m5', 'b2', 's5', 'g1'), ('m6', 'b1', 's9', NULL)`,
    );
  });

  afterAll(async () => {
    await t.drop();
  });

  async function visible(scope: Scope): Promise<string[]> {
    const p = new SqlParams();
    const where = storeRowFence(scope, p, STORES, { brand: 'm.brand_id', store: 'm.home_store_id', guide: 'm.guide_id', member: 'm.id' });
    const rows = await t.db.query<{ id: string }>(`SELECT m.id FROM members m WHERE ${where} ORDER BY m.id`, p.values);
    return rows.map((r) => r.id);
  }

  it('gives each scope kind exactly its rows: the operator through the store table, the guide by its own column', async () => {
    expect(await visible({ kind: 'platform' })).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(await visible({ kind: 'brand', brandId: 'b1' })).toEqual(['m1', 'm2', 'm3', 'm4', 'm6']);
    expect(await visible({ kind: 'franchisee', brandId: 'b1', franchiseeId: 'f1' })).toEqual(['m1', 'm2']);
    expect(await visible({ kind: 'franchisee', brandId: 'b2', franchiseeId: 'f1' })).toEqual(['m5']);
    expect(await visible({ kind: 'store', brandId: 'b1', storeId: 's1' })).toEqual(['m1', 'm2']);
    expect(await visible({ kind: 'guide', brandId: 'b1', storeId: 's1', guideId: 'g1' })).toEqual(['m1']);
    expect(await visible({ kind: 'member', brandId: 'b1', memberId: 'm3' })).toEqual(['m3']);
    expect(await visible({ kind: 'member', brandId: 'b2', memberId: 'm3' })).toEqual([]);
    expect(await visible({ kind: 'partner', partnerBrandId: 'b1' })).toEqual([]);
    expect(await visible({ kind: 'anonymous' })).toEqual([]);
  });
});
