// CHANNEL_SECRET_KEY itself rotated: credentials under the previous key (CHANNEL_SECRET_KEY_PREVIOUS) are read and
// re-encrypted under the new one as they are used; a key the service does not hold is never guessed at.
import { ConfigError, parseConfig, startSubgraph, type RunningSubgraph } from '@retail/platform';
import { startSubgraphForTest, testConfig, type SubgraphHarness } from '@retail/platform/testing';
import { CHANNELS_SETTINGS, channelsSubgraph } from '../src';
import { cipherKey, credentialKeyring, UnknownCredentialKeyError } from '../src/domain/credential-cipher';
import { reencryptCredentialsJob } from '../src/jobs/reencrypt-credentials';
import { connectionForCallback } from '../src/repo/connections';
import { connectionSecrets } from '../src/repo/connection-secrets';
import { FakeAlipay } from './fakes/alipay';
import { ALIPAY_APP_ID, alipayConnectionInput, createConnection } from './fixtures';
import { ordersPeer } from './orders-peer';

const OLD = 'dev-channel-secret-key-change-me';
const NEW = 'b6a1f0c2d3e4f5a60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e';
const alipay = new FakeAlipay();
const orders = ordersPeer([]);
let h: SubgraphHarness;
let connectionId: string;

const keyIds = async () => (await h.db.query<{ key_id: string }>(`SELECT key_id FROM channels.credential WHERE connection_id = $1`, [connectionId])).map((r) => r.key_id);

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { peers: orders.peers });
  connectionId = (await createConnection(h, alipayConnectionInput(alipay))).id;
}, 30_000);
afterAll(() => h?.close());

test('a service on the new key with the previous one reads the old credentials, re-encrypts them, and verifies callbacks', async () => {
  expect(await keyIds()).toEqual([cipherKey(OLD).id]);
  let rotated: RunningSubgraph | undefined;
  try {
    rotated = await startSubgraph(channelsSubgraph, { db: h.db, config: testConfig(), port: 0, peers: orders.peers, env: { CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: OLD } });
    const params = alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP_ID, orderId: 'ord-x', tradeNo: 'T1', totalAmount: '1.00', tradeStatus: 'WAIT_BUYER_PAY' }));
    const answer = await FakeAlipay.post(`http://127.0.0.1:${rotated.port}/channels/alipay/${connectionId}/notify`, FakeAlipay.formBody(params));
    expect(answer).toEqual({ status: 200, text: 'success' });
  } finally {
    await rotated?.stop();
  }
  expect(await keyIds()).toEqual([cipherKey(NEW).id]);
  // The new key alone reads them now; the old one alone no longer does.
  const connection = (await connectionForCallback(h.db, connectionId))!;
  const read = await connectionSecrets(h.db, credentialKeyring({ CHANNEL_SECRET_KEY: NEW }), connection);
  expect(read.current.alipayPublicKey).toBe(alipay.publicKeyPem);
  await expect(connectionSecrets(h.db, credentialKeyring({ CHANNEL_SECRET_KEY: OLD }), connection)).rejects.toBeInstanceOf(UnknownCredentialKeyError);
});

test('the reencrypt-credentials job moves every credential still under the previous key, in batches, once', async () => {
  // Three connections created under OLD (the harness's development key), none of them used since.
  for (const appId of ['2021004100000301', '2021004100000302', '2021004100000303']) await createConnection(h, { ...alipayConnectionInput(new FakeAlipay()), appId });
  const underOld = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM channels.credential WHERE key_id = $1`, [cipherKey(OLD).id]))[0]!.n;
  expect(await underOld()).toBe(3);
  let rotated: RunningSubgraph | undefined;
  try {
    rotated = await startSubgraph(channelsSubgraph, { db: h.db, config: testConfig(), port: 0, peers: orders.peers, env: { CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: OLD } });
    const job = reencryptCredentialsJob(parseConfig(CHANNELS_SETTINGS, { CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: OLD }));
    const runs = await Promise.all([job.run(rotated.deps), job.run(rotated.deps)]);
    expect(runs.reduce((n, r) => n + (r ? r.reencrypted! : 0), 0)).toBe(3);
    expect(await job.run(rotated.deps)).toEqual({ reencrypted: 0 });
  } finally {
    await rotated?.stop();
  }
  expect(await underOld()).toBe(0);
  // Readable with the new key alone.
  const keyring = credentialKeyring({ CHANNEL_SECRET_KEY: NEW });
  const all = await h.db.query<{ connection_id: string }>(`SELECT DISTINCT connection_id FROM channels.credential`);
  for (const { connection_id } of all) await connectionSecrets(h.db, keyring, (await connectionForCallback(h.db, connection_id))!);
});

test('a ciphertext moved to another row does not decrypt (bound to its connection and version)', async () => {
  const other = await createConnection(h, { ...alipayConnectionInput(new FakeAlipay()), appId: '2021004100000888' });
  await h.db.query(
    `UPDATE channels.credential SET ciphertext = (SELECT ciphertext FROM channels.credential WHERE connection_id = $1), key_id = (SELECT key_id FROM channels.credential WHERE connection_id = $1) WHERE connection_id = $2`,
    [connectionId, other.id],
  );
  const connection = (await connectionForCallback(h.db, other.id))!;
  await expect(connectionSecrets(h.db, credentialKeyring({ CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: OLD }), connection)).rejects.toThrow(/authenticate/);
});

test('production refuses a missing, short or development CHANNEL_SECRET_KEY, and a short CHANNEL_SECRET_KEY_PREVIOUS', () => {
  const prod = (env: Record<string, string>) => () => parseConfig(CHANNELS_SETTINGS, { NODE_ENV: 'production', ...env });
  expect(prod({})).toThrow(/CHANNEL_SECRET_KEY: required in production/);
  expect(prod({ CHANNEL_SECRET_KEY: OLD })).toThrow(/CHANNEL_SECRET_KEY: a development default is refused/);
  expect(prod({ CHANNEL_SECRET_KEY: 'only-twenty-bytes-xx' })).toThrow(/CHANNEL_SECRET_KEY: must be at least 32 bytes/);
  expect(prod({ CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: 'only-twenty-bytes-xx' })).toThrow(/CHANNEL_SECRET_KEY_PREVIOUS: must be at least 32 bytes/);
  expect(prod({ CHANNEL_SECRET_KEY: NEW, CHANNEL_SECRET_KEY_PREVIOUS: 'only-twenty-bytes-xx' })).toThrow(ConfigError);
  // (ACCOUNT_REF_KEY, channels' other secret, set well)
  const settings = prod({ CHANNEL_SECRET_KEY: NEW, ACCOUNT_REF_KEY: 'f3a9c1d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' })();
  expect([settings.CHANNEL_SECRET_KEY, settings.CHANNEL_SECRET_KEY_PREVIOUS]).toEqual([NEW, undefined]);
  // Never the value, only its length.
  expect(prod({ CHANNEL_SECRET_KEY: 'only-twenty-bytes-xx' })).not.toThrow(/only-twenty/);
});
