// A token must carry exp and iat, live at most JWT_MAX_LIFETIME_S (default one day) and be used after its
// nbf: otherwise the gateway answers 401 UNAUTHENTICATED like for any bad token, never anonymous data.
import { SignJWT } from 'jose';
import { DEFAULT_JWT_MAX_LIFETIME_S, signDevToken } from '@retail/platform';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await graph.close();
});

const nowS = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>) => new SignJWT({ role: 'PLATFORM_ADMIN', sub: 'claims-test', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));

/** Status and first error code of `{ viewer { role } }` with the token. */
async function ask(token: string): Promise<{ status: number; code: unknown; role: unknown }> {
  const res = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { role } }' }),
  });
  const body = (await res.json()) as { data?: { viewer?: { role?: unknown } }; errors?: { extensions?: { code?: unknown } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code, role: body.data?.viewer?.role };
}

const refused = { status: 401, code: 'UNAUTHENTICATED', role: undefined };

test('a token with iat and exp in its limits is accepted', async () => {
  expect(await ask(await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET }))).toEqual({ status: 200, code: undefined, role: 'PLATFORM_ADMIN' });
  const iat = nowS() - 5;
  expect(await ask(await sign({ iat, exp: iat + DEFAULT_JWT_MAX_LIFETIME_S }))).toMatchObject({ status: 200, role: 'PLATFORM_ADMIN' });
});

test('a token without exp is 401 UNAUTHENTICATED', async () => {
  expect(await ask(await sign({ iat: nowS() }))).toEqual(refused);
});

test('a token without iat is 401 UNAUTHENTICATED', async () => {
  expect(await ask(await sign({ exp: nowS() + 600 }))).toEqual(refused);
});

test('a token living longer than JWT_MAX_LIFETIME_S (default one day) is 401', async () => {
  const iat = nowS() - 5;
  expect(await ask(await sign({ iat, exp: iat + DEFAULT_JWT_MAX_LIFETIME_S + 1 }))).toEqual(refused);
  expect(await ask(await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET, ttlSeconds: 30 * 24 * 3600 }))).toEqual(refused);
});

test('a token before its nbf, or issued in the future, is 401', async () => {
  expect(await ask(await sign({ iat: nowS(), nbf: nowS() + 120, exp: nowS() + 600 }))).toEqual(refused);
  expect(await ask(await sign({ iat: nowS() + 3600, exp: nowS() + 4000 }))).toEqual(refused);
});

describe('with JWT_MAX_LIFETIME_S=600', () => {
  let short: TestGraph;
  beforeAll(async () => {
    short = await startTestGraph({ gatewayEnv: { JWT_MAX_LIFETIME_S: '600' } });
  });
  afterAll(async () => {
    await short.close();
  });

  test('the gateway takes the maximum lifetime from its config', async () => {
    const status = async (ttlSeconds: number) => (await short.query('{ viewer { role } }', {}, await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET, ttlSeconds }))).status;
    expect(await status(600)).toBe(200);
    expect(await status(601)).toBe(401);
  });
});
