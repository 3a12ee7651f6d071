import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { enforceAuthDirectives } from '../src/auth/directives';
import { ANONYMOUS, makeViewer, type Viewer } from '../src/auth/viewer';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated", "@requiresScopes"])

  type Query {
    catalog: String
    me: String @authenticated
    report: String @requiresScopes(scopes: [["reports:read"]])
    either: String @requiresScopes(scopes: [["a", "b"], ["c"]])
    account: Account
  }

  type Account @key(fields: "id") @authenticated {
    id: ID!
    balance: Int
    audit: String @requiresScopes(scopes: [["audit:read"]])
  }

  type Ledger @key(fields: "id") @requiresScopes(scopes: [["finance:read"]]) {
    id: ID!
    total: Int
    export: String @requiresScopes(scopes: [["export"]])
  }
`);

function schema(): GraphQLSchema {
  return enforceAuthDirectives<{ viewer: Viewer }>(
    buildSubgraphSchema([
      {
        typeDefs,
        resolvers: {
          Query: {
            catalog: () => 'public',
            me: () => 'me',
            report: () => 'report',
            either: () => 'either',
            account: () => ({ id: 'acc-1', balance: 100, audit: 'trail' }),
          },
          Ledger: {
            __resolveReference: (ref: { id: string }) => ({ id: ref.id, total: 7, export: 'csv' }),
          },
        },
      },
    ]),
  );
}

const s = schema();

async function run(query: string, viewer: Viewer) {
  const result = await graphql({ schema: s, source: query, contextValue: { viewer } });
  const codes = Object.fromEntries((result.errors ?? []).map((e) => [e.path?.join('.') ?? '', e.extensions.code]));
  return { data: result.data, codes };
}

const member = makeViewer({ role: 'MEMBER', brandId: 'b1', memberId: 'm1' });
const analyst = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['reports:read', 'c', 'audit:read'] });

describe('enforceAuthDirectives', () => {
  it('leaves unannotated fields open to anonymous callers', async () => {
    await expect(run('{ catalog }', ANONYMOUS)).resolves.toEqual({ data: { catalog: 'public' }, codes: {} });
  });

  it('answers UNAUTHENTICATED to anonymous callers on @authenticated and @requiresScopes fields', async () => {
    const { data, codes } = await run('{ me report }', ANONYMOUS);
    expect(codes).toEqual({ me: 'UNAUTHENTICATED', report: 'UNAUTHENTICATED' });
    expect(data).toEqual({ me: null, report: null });
  });

  it('lets a signed-in caller through @authenticated', async () => {
    await expect(run('{ me }', member)).resolves.toEqual({ data: { me: 'me' }, codes: {} });
  });

  it('answers FORBIDDEN without the scope and passes with it', async () => {
    expect((await run('{ report }', member)).codes).toEqual({ report: 'FORBIDDEN' });
    await expect(run('{ report }', analyst)).resolves.toEqual({ data: { report: 'report' }, codes: {} });
  });

  it('reads scopes as OR of AND groups', async () => {
    const onlyA = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['a'] });
    const aAndB = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['a', 'b'] });
    expect((await run('{ either }', onlyA)).codes).toEqual({ either: 'FORBIDDEN' });
    expect((await run('{ either }', aAndB)).codes).toEqual({});
    expect((await run('{ either }', analyst)).codes).toEqual({});
  });

  it('gives platform admins and services every scope', async () => {
    for (const role of ['PLATFORM_ADMIN', 'SERVICE'] as const) {
      await expect(run('{ report either }', makeViewer({ role }))).resolves.toEqual({ data: { report: 'report', either: 'either' }, codes: {} });
    }
  });

  it('applies a type rule to each field but keeps `id` readable', async () => {
    const anon = await run('{ account { id balance audit } }', ANONYMOUS);
    expect(anon.data).toEqual({ account: { id: 'acc-1', balance: null, audit: null } });
    expect(anon.codes).toEqual({ 'account.balance': 'UNAUTHENTICATED', 'account.audit': 'UNAUTHENTICATED' });

    const signedIn = await run('{ account { id balance audit } }', member);
    expect(signedIn.data).toEqual({ account: { id: 'acc-1', balance: 100, audit: null } });
    expect(signedIn.codes).toEqual({ 'account.audit': 'FORBIDDEN' });

    await expect(run('{ account { balance audit } }', analyst)).resolves.toEqual({ data: { account: { balance: 100, audit: 'trail' } }, codes: {} });
  });

  it('guards entities fetched through _entities too', async () => {
    const query = '{ _entities(representations: [{ __typename: "Account", id: "acc-9" }]) { ... on Account { id balance } } }';
    const anon = await run(query, ANONYMOUS);
    expect(anon.codes).toEqual({ '_entities.0.balance': 'UNAUTHENTICATED' });
    expect(anon.data).toEqual({ _entities: [{ id: 'acc-9', balance: null }] });
  });

  it("requires both the type's and the field's scopes", async () => {
    const query = '{ _entities(representations: [{ __typename: "Ledger", id: "l1" }]) { ... on Ledger { total export } } }';
    const exportOnly = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['export'] });
    const financeOnly = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['finance:read'] });
    const both = makeViewer({ role: 'BRAND_ADMIN', brandId: 'b1', scopes: ['finance:read', 'export'] });
    expect((await run(query, exportOnly)).codes).toEqual({ '_entities.0.total': 'FORBIDDEN', '_entities.0.export': 'FORBIDDEN' });
    expect((await run(query, financeOnly)).codes).toEqual({ '_entities.0.export': 'FORBIDDEN' });
    await expect(run(query, both)).resolves.toEqual({ data: { _entities: [{ total: 7, export: 'csv' }] }, codes: {} });
  });
});
