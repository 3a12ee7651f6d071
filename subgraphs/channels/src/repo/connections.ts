import { fetchPage, SqlParams, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { ConnectionRecord } from '../model';

// Channel connections (docs/architecture.md §4). A connection carries a brand's credentials and takes its payment
// callbacks: only the platform and the brand's own admins reach it (the commands and queries also ask channels:admin).

/** A connection's columns (alias `c`) as a ConnectionRecord; also read beside an order's origin (repo/order-origins.ts). */
export const CONNECTION_COLUMNS = `c.id, c.channel, c.brand_id AS "brandId", c.store_id AS "storeId", c.app_id AS "appId", c.merchant_id AS "merchantId",
  c.api_base_url AS "apiBaseUrl", c.status, c.disabled_reason AS "disabledReason", c.configured_secrets AS "configuredSecrets",
  c.secrets_updated_at AS "secretsUpdatedAt",
  (SELECT max(cr.accepted_until) FROM channels.credential cr WHERE cr.connection_id = c.id AND cr.accepted_until > now()) AS "previousSecretsAcceptedUntil",
  c.last_sync_at AS "lastSyncAt", c.last_error AS "lastError", c.created_at AS "createdAt"`;

/** Connections are in scope for the platform and the admins of their brand; nobody else (operators, staff, members) reaches them. */
export function connectionFence(scope: Scope, p: SqlParams, brandColumn = 'c.brand_id'): string {
  if (scope.kind === 'platform') return 'TRUE';
  if (scope.kind === 'brand') return `${brandColumn} = ${p.add(scope.brandId)}`;
  return 'FALSE';
}

/** Connections by id, inside the scope (others are absent). */
export function connectionsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<ConnectionRecord[]> {
  const p = new SqlParams();
  return q.query<ConnectionRecord>(`SELECT ${CONNECTION_COLUMNS} FROM channels.connection c WHERE c.id = ANY(${p.add(ids)}::text[]) AND ${connectionFence(scope, p)}`, p.values);
}

/** Query.channelConnections: one page of a brand's connections, brand-wide ones first, then oldest first. */
export function listConnections(q: Queryable, scope: Scope, brandId: string, page: PageRequest): Promise<Page<ConnectionRecord>> {
  const p = new SqlParams();
  const where = `c.brand_id = ${p.add(brandId)} AND ${connectionFence(scope, p)}`;
  const first = `((c.store_id IS NOT NULL)::int::text || to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))`;
  return fetchPage<ConnectionRecord>(q, p, { columns: CONNECTION_COLUMNS, from: 'channels.connection c', where, sort: [first, 'c.id'] }, page);
}

/** The connection locked for a change, inside the scope (null when absent or out of scope). */
export async function lockConnection(q: Queryable, scope: Scope, id: string): Promise<ConnectionRecord | null> {
  const p = new SqlParams();
  const rows = await q.query<ConnectionRecord>(`SELECT ${CONNECTION_COLUMNS} FROM channels.connection c WHERE c.id = ${p.add(id)} AND ${connectionFence(scope, p)} FOR UPDATE OF c`, p.values);
  return rows[0] ?? null;
}

/**
 * The connection a provider's callback names in its path. Unfenced: the caller is the provider, not a viewer; the
 * callback is authenticated by the provider's signature with this connection's keys (src/routes/).
 */
export async function connectionForCallback(q: Queryable, id: string): Promise<ConnectionRecord | null> {
  const rows = await q.query<ConnectionRecord>(`SELECT ${CONNECTION_COLUMNS} FROM channels.connection c WHERE c.id = $1`, [id]);
  return rows[0] ?? null;
}

export type NewConnection = Pick<ConnectionRecord, 'id' | 'channel' | 'brandId' | 'storeId' | 'appId' | 'merchantId' | 'apiBaseUrl' | 'configuredSecrets'>;

/** Inserts a connection; the caller has checked that it administers the brand. An ACTIVE twin raises connection_account. */
export async function insertConnection(q: Queryable, c: NewConnection): Promise<void> {
  await q.query(
    `INSERT INTO channels.connection (id, channel, brand_id, store_id, app_id, merchant_id, api_base_url, configured_secrets, secrets_updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], now())`,
    [c.id, c.channel, c.brandId, c.storeId, c.appId, c.merchantId, c.apiBaseUrl, c.configuredSecrets],
  );
}

/** Records new secret names after a rotation; the caller holds the connection's lock (lockConnection, fenced). */
export async function recordSecretsChanged(q: Queryable, id: string, configuredSecrets: string[]): Promise<void> {
  await q.query(`UPDATE channels.connection SET configured_secrets = $2::text[], secrets_updated_at = now(), updated_at = now() WHERE id = $1`, [id, configuredSecrets]);
}

/** DISABLED with its reason; the caller holds the connection's lock (lockConnection, fenced). */
export async function markDisabled(q: Queryable, id: string, reason: string | null): Promise<void> {
  await q.query(`UPDATE channels.connection SET status = 'DISABLED', disabled_reason = $2, updated_at = now() WHERE id = $1`, [id, reason]);
}

/** The demo's DISABLED connections (demo/data.ts), left alone when present. */
export async function seedDemoConnections(q: Queryable, rows: readonly (Pick<ConnectionRecord, 'id' | 'channel' | 'brandId' | 'appId' | 'merchantId' | 'apiBaseUrl'> & { disabledReason: string })[]): Promise<void> {
  await q.query(
    `INSERT INTO channels.connection (id, channel, brand_id, app_id, merchant_id, api_base_url, status, disabled_reason)
     SELECT x.id, x.channel, x."brandId", x."appId", x."merchantId", x."apiBaseUrl", 'DISABLED', x."disabledReason"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, channel text, "brandId" text, "appId" text, "merchantId" text, "apiBaseUrl" text, "disabledReason" text)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}
