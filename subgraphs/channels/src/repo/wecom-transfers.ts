import { fenceSql, fetchPage, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { WecomTransferKind, WecomTransferState } from '../providers/wecom/transfer';

// WeCom customer transfers (migrations/0003_outbound.sql). Written by the members.guide.handover consumer and the
// wecom-transfers job (no viewer: no Scope), with the guides of channels.guide_directory (repo/guide-directory.ts);
// read through the graph fenced (wecomTransfers).

export type WecomTransferStatus = 'PENDING' | WecomTransferState;

/** A transfer as the graph shows it. */
export interface WecomTransferRecord {
  id: string;
  handoverId: string;
  brandId: string;
  kind: WecomTransferKind;
  memberId: string;
  fromGuideId: string;
  toGuideId: string;
  corpId: string;
  /** Null once the member was erased (PIPL). */
  externalUserId: string | null;
  status: WecomTransferStatus;
  errcode: number | null;
  lastError: string | null;
  attempts: number;
  sentAt: Date | null;
  takenOverAt: Date | null;
  updatedAt: Date;
}

/** One customer of a handover to move (members.guide.handover, docs/events.md). */
export type TransferToRecord = Pick<WecomTransferRecord, 'id' | 'kind' | 'memberId' | 'fromGuideId' | 'toGuideId' | 'corpId'> & { externalUserId: string };

/**
 * Records a handover and its transfers in one go (two statements). False, recording nothing, when the handover
 * was applied before: a redelivered or republished event makes one set of transfers.
 */
export async function recordHandover(q: Queryable, h: { handoverId: string; brandId: string; kind: WecomTransferKind; at: string }, transfers: readonly TransferToRecord[]): Promise<boolean> {
  const fresh = await q.query(
    `INSERT INTO channels.guide_handover (handover_id, brand_id, kind, at) VALUES ($1, $2, $3, $4) ON CONFLICT (handover_id) DO NOTHING RETURNING handover_id`,
    [h.handoverId, h.brandId, h.kind, h.at],
  );
  if (fresh.length === 0) return false;
  if (transfers.length === 0) return true;
  await q.query(
    `INSERT INTO channels.wecom_transfer (id, handover_id, brand_id, store_id, kind, member_id, from_guide_id, to_guide_id, corp_id, external_user_id)
     SELECT t.id, $1, $2, d.store_id, t.kind, t."memberId", t."fromGuideId", t."toGuideId", t."corpId", t."externalUserId"
       FROM jsonb_to_recordset($3::jsonb) AS t(id text, kind text, "memberId" text, "fromGuideId" text, "toGuideId" text, "corpId" text, "externalUserId" text)
       LEFT JOIN channels.guide_directory d ON d.guide_id = t."fromGuideId"
      -- A member erased before its handover arrived (two topics: nothing orders them) keeps no contact here.
      WHERE NOT EXISTS (SELECT 1 FROM channels.erased_member x WHERE x.member_id = t."memberId")
     ON CONFLICT (handover_id, member_id, corp_id, external_user_id) DO NOTHING`,
    [h.handoverId, h.brandId, JSON.stringify(transfers)],
  );
  return true;
}

/** A transfer claimed by a job run, with what sending it needs. */
export interface ClaimedTransfer {
  id: string;
  brandId: string;
  kind: WecomTransferKind;
  status: 'PENDING' | 'WAITING';
  corpId: string;
  externalUserId: string;
  fromGuideId: string;
  toGuideId: string;
  /** The guides' WeCom userids now (null when stores has not told one). */
  handoverUserId: string | null;
  takeoverUserId: string | null;
  /** The brand's ACTIVE WECOM connection of the corp, if any. */
  connectionId: string | null;
  attempts: number;
}

/**
 * Claims up to `limit` due transfers in `statuses` (PENDING to send, WAITING to poll) for `leaseMs`, counting the
 * attempt, with the guides' userids and the corp's connection. SKIP LOCKED: parallel runs share the work.
 */
export function claimDueTransfers(q: Queryable, leaseId: string, statuses: readonly ('PENDING' | 'WAITING')[], limit: number, leaseMs: number): Promise<ClaimedTransfer[]> {
  return q.query<ClaimedTransfer>(
    `WITH claimed AS (
       UPDATE channels.wecom_transfer SET lease_id = $1, lease_until = now() + make_interval(secs => $4::float8 / 1000), attempts = attempts + 1, updated_at = now()
        WHERE id IN (SELECT id FROM channels.wecom_transfer
                      WHERE status = ANY($2::text[]) AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING *)
     SELECT t.id, t.brand_id AS "brandId", t.kind, t.status, t.corp_id AS "corpId", t.external_user_id AS "externalUserId",
            t.from_guide_id AS "fromGuideId", t.to_guide_id AS "toGuideId",
            coalesce(t.handover_user_id, f.wecom_user_id) AS "handoverUserId", coalesce(t.takeover_user_id, g.wecom_user_id) AS "takeoverUserId",
            (SELECT c.id FROM channels.connection c WHERE c.channel = 'WECOM' AND c.status = 'ACTIVE' AND c.app_id = t.corp_id AND c.brand_id = t.brand_id
              ORDER BY c.store_id IS NOT NULL, c.created_at LIMIT 1) AS "connectionId",
            t.attempts
       FROM claimed t
       LEFT JOIN channels.guide_directory f ON f.guide_id = t.from_guide_id
       LEFT JOIN channels.guide_directory g ON g.guide_id = t.to_guide_id
      ORDER BY t.id`,
    [leaseId, statuses, limit, leaseMs],
  );
}

/** What one attempt made of one transfer; written only while the run's lease holds. */
export interface TransferUpdate {
  id: string;
  status: 'PENDING' | WecomTransferState;
  errcode: number | null;
  error: string | null;
  /** When to look at it again (PENDING: resend; WAITING: poll); null for a final status. */
  nextInMs: number | null;
  handoverUserId?: string | null;
  takeoverUserId?: string | null;
  connectionId?: string | null;
  sent?: boolean;
  takenOverAt?: string | null;
}

/** Writes the outcomes of one run (one statement however many). */
export async function settleTransfers(q: Queryable, leaseId: string, updates: readonly TransferUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await q.query(
    `UPDATE channels.wecom_transfer t SET status = u.status, errcode = u.errcode, last_error = u.error,
            next_attempt_at = CASE WHEN u."nextInMs" IS NULL THEN t.next_attempt_at ELSE now() + make_interval(secs => u."nextInMs" / 1000) END,
            handover_user_id = coalesce(u."handoverUserId", t.handover_user_id), takeover_user_id = coalesce(u."takeoverUserId", t.takeover_user_id),
            connection_id = coalesce(u."connectionId", t.connection_id),
            sent_at = CASE WHEN u.sent THEN now() ELSE t.sent_at END, taken_over_at = coalesce(u."takenOverAt", t.taken_over_at),
            lease_id = NULL, lease_until = NULL, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS u(id text, status text, errcode int, error text, "nextInMs" float8, "handoverUserId" text, "takeoverUserId" text,
                                               "connectionId" text, sent boolean, "takenOverAt" timestamptz)
      WHERE t.id = u.id AND t.lease_id = $1`,
    [leaseId, JSON.stringify(updates)],
  );
}

const COLUMNS = `t.id, t.handover_id AS "handoverId", t.brand_id AS "brandId", t.kind, t.member_id AS "memberId", t.from_guide_id AS "fromGuideId",
  t.to_guide_id AS "toGuideId", t.corp_id AS "corpId", t.external_user_id AS "externalUserId", t.status, t.errcode, t.last_error AS "lastError",
  t.attempts, t.sent_at AS "sentAt", t.taken_over_at AS "takenOverAt", t.updated_at AS "updatedAt"`;

/**
 * Query.wecomTransfers: one page of a handover's transfers in a stable order (recorded time, then id). Fenced: the platform, the brand's
 * admins, the staff of the store the customers leave, and the guide who takes them over.
 */
export function transfersOfHandover(q: Queryable, scope: Scope, handoverId: string, page: PageRequest): Promise<Page<WecomTransferRecord>> {
  const p = new SqlParams();
  const where = `t.handover_id = ${p.add(handoverId)} AND ${fenceSql(scope, { brand: 't.brand_id', store: 't.store_id', guide: 't.to_guide_id' }, p)}`;
  return fetchPage<WecomTransferRecord>(q, p, { columns: COLUMNS, from: 'channels.wecom_transfer t', where, sort: [timestampSortKey('t.created_at'), 't.id'] }, page);
}
