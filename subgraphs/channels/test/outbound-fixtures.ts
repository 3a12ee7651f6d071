import crypto from 'node:crypto';
import { createLogger, parseConfig, PostgresTransport, type Database, type EventEnvelope } from '@retail/platform';
import type { SubgraphHarness } from '@retail/platform/testing';
import { credentialKeyring } from '../src/domain/credential-cipher';
import { CHANNELS_SETTINGS } from '../src/settings';

// What the outbound tests (refunds, WeCom transfers) share: connections made through the graph, events published on
// the transport, the job's dependencies, the outbox.

/** The platform admin (channels:admin through its role). */
export const platformAdmin = { role: 'PLATFORM_ADMIN' as const, subject: 'ops' };

/** The keyring the running subgraph uses in tests (CHANNEL_SECRET_KEY's development default). */
export const testKeyring = () => credentialKeyring(parseConfig(CHANNELS_SETTINGS, process.env));

export const silentLogger = createLogger('channels', 'silent');

/** Creates a connection through createChannelConnection and returns its id. */
export async function createConnection(h: SubgraphHarness, input: Record<string, unknown>): Promise<string> {
  const d = await h.data<{ createChannelConnection: { connection: { id: string } | null; userErrors: unknown[] } }>(
    platformAdmin,
    `mutation C($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id } userErrors { code field message } } }`,
    { input },
  );
  if (!d.createChannelConnection.connection) throw new Error(`connection not created: ${JSON.stringify(d.createChannelConnection.userErrors)}`);
  return d.createChannelConnection.connection.id;
}

/** Publishes an event on the PostgreSQL transport the subgraph consumes from; returns the envelope. */
export async function publishTestEvent(db: Database, source: string, topic: string, key: string, payload: unknown, id: string = crypto.randomUUID()): Promise<EventEnvelope> {
  const transport = new PostgresTransport({ db });
  const envelope: EventEnvelope = { id, topic, key, payload, occurredAt: new Date().toISOString(), source };
  await transport.publish(topic, envelope);
  await transport.close();
  return envelope;
}

export async function waitFor(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The payloads channels' outbox holds for a topic (and key), oldest first. */
export async function channelsOutbox<P = Record<string, unknown>>(db: Database, topic: string, key?: string): Promise<P[]> {
  const rows = await db.query<{ payload: P }>(`SELECT payload FROM channels.outbox WHERE topic = $1 AND ($2::text IS NULL OR key = $2) ORDER BY seq`, [topic, key ?? null]);
  return rows.map((r) => r.payload);
}
