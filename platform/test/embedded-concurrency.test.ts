// The embedded database serves many connections over PGlite's one session. Parameterised statements
// sent outside a transaction must not interleave with another connection's statement or transaction
// (pglite-socket's own queue does interleave them: wrong results, lost statements, hung clients).
import { Database } from '../src/db/database';
import { createTestEmbedded, type TestDatabase } from '../src/testing';

let t: TestDatabase;
let other: Database;
beforeAll(async () => {
  t = await createTestEmbedded('embedded-concurrency');
  other = new Database({ url: t.url, service: 'embedded-concurrency-2', max: 10, embedded: true });
  await t.db.query('CREATE TABLE public.counter (id int PRIMARY KEY, n int NOT NULL)');
  await t.db.query('INSERT INTO public.counter VALUES (1, 0)');
});
afterAll(async () => {
  await other.close();
  await t.drop();
});

test('300 concurrent plain queries and transactions from two pools each get their own answer', async () => {
  const work = Array.from({ length: 300 }, (_, i) => {
    const db = i % 2 ? t.db : other;
    if (i % 3 === 0) {
      return db.transaction(async (tx) => {
        await tx.query('UPDATE public.counter SET n = n + 1 WHERE id = $1', [1]);
        return (await tx.query<{ x: number }>('SELECT $1::int AS x', [i]))[0]!.x;
      });
    }
    return db.query<{ x: number }>('SELECT $1::int + $2::int AS x', [i, 0]).then((r) => r[0]!.x);
  });
  const results = await Promise.all(work);
  expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect((await t.db.query<{ n: number }>('SELECT n FROM public.counter WHERE id = 1'))[0]!.n).toBe(100);
});

test('a connection that dies inside its transaction is rolled back and the others go on', async () => {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: t.url });
  client.on('error', () => undefined); // the test kills its socket on purpose
  await client.connect();
  const before = (await t.db.query<{ n: number }>('SELECT n FROM public.counter WHERE id = 1'))[0]!.n;
  await client.query('BEGIN');
  await client.query('UPDATE public.counter SET n = -1 WHERE id = 1');
  const waiting = t.db.query<{ n: number }>('SELECT n FROM public.counter WHERE id = $1', [1]);
  (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  expect((await waiting)[0]!.n).toBe(before);
});
