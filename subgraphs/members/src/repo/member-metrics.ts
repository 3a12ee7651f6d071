import { SqlParams, storeFence, type Queryable, type Scope } from '@retail/platform';
import { dormantSince, ratio, type MetricsPeriod } from '../domain/store-metrics';
import type { StoreMemberMetricsRecord } from '../model';
import { STORE_DIRECTORY } from './store-directory';

interface MetricCounts {
  storeId: string;
  joined: number;
  guestOrders: number;
  historical: number;
  online: number;
  dormant: number;
  reactivated: number;
}

/**
 * Membership metrics of stores over one period, in one statement (StoreMemberMetrics in schema/members.graphql
 * defines them). Only stores the scope reaches, by the same store fence as Store.members (storeInScope): a store
 * outside it, or unknown to members' store directory, is absent. A merged member is not counted (its survivor
 * is); an erased member still is (the tombstone stays a member, see eraseMember). Instants are compared as
 * half-open ranges: joined in [from, to), bought in [from, to) and in [from - 180 days, from).
 */
export async function memberMetricsOfStores(q: Queryable, scope: Scope, storeIds: readonly string[], period: MetricsPeriod): Promise<StoreMemberMetricsRecord[]> {
  const p = new SqlParams();
  const fence = storeFence(scope, p, STORE_DIRECTORY.table, 'd');
  const ids = p.add(storeIds);
  const from = p.add(period.from);
  const to = p.add(period.to);
  const dormantFrom = p.add(dormantSince(period.from));
  const rows = await q.query<MetricCounts>(
    `WITH s AS (
       SELECT d.store_id FROM ${STORE_DIRECTORY.table.table} d WHERE d.store_id = ANY(${ids}::text[]) AND ${fence}
     ),
     joined AS (
       SELECT m.join_store_id AS store_id, count(*)::int AS n FROM members.member m
        WHERE m.join_store_id IN (SELECT store_id FROM s) AND m.joined_at >= ${from} AND m.joined_at < ${to} AND m.merged_into IS NULL
        GROUP BY m.join_store_id
     ),
     guests AS (
       SELECT pu.store_id, count(*)::int AS n FROM members.purchase pu
        WHERE pu.store_id IN (SELECT store_id FROM s) AND pu.in_store AND pu.member_id IS NULL AND pu.paid_at >= ${from} AND pu.paid_at < ${to}
        GROUP BY pu.store_id
     ),
     historical AS (
       SELECT m.home_store_id AS store_id,
              EXISTS (SELECT 1 FROM members.channel_identity i
                       WHERE i.member_id = m.id AND i.channel IN ('WECHAT', 'WECOM') AND i.bound_at < ${to})
          AND EXISTS (SELECT 1 FROM members.guide_assignment a
                       WHERE a.member_id = m.id AND a.from_at < ${to} AND (a.to_at IS NULL OR a.to_at >= ${to})) AS online,
              NOT EXISTS (SELECT 1 FROM members.purchase pu
                           WHERE pu.member_id = m.id AND pu.paid_at >= ${dormantFrom} AND pu.paid_at < ${from}) AS dormant,
              EXISTS (SELECT 1 FROM members.purchase pu WHERE pu.member_id = m.id AND pu.paid_at >= ${from} AND pu.paid_at < ${to}) AS bought
         FROM members.member m
        WHERE m.home_store_id IN (SELECT store_id FROM s) AND m.joined_at < ${from} AND m.merged_into IS NULL
     ),
     historical_counts AS (
       SELECT store_id, count(*)::int AS historical, count(*) FILTER (WHERE online)::int AS online,
              count(*) FILTER (WHERE dormant)::int AS dormant, count(*) FILTER (WHERE dormant AND bought)::int AS reactivated
         FROM historical GROUP BY store_id
     )
     SELECT s.store_id AS "storeId", COALESCE(j.n, 0) AS joined, COALESCE(g.n, 0) AS "guestOrders",
            COALESCE(h.historical, 0) AS historical, COALESCE(h.online, 0) AS online, COALESCE(h.dormant, 0) AS dormant, COALESCE(h.reactivated, 0) AS reactivated
       FROM s LEFT JOIN joined j ON j.store_id = s.store_id LEFT JOIN guests g ON g.store_id = s.store_id LEFT JOIN historical_counts h ON h.store_id = s.store_id`,
    p.values,
  );
  return rows.map((r) => ({
    storeId: r.storeId,
    newMembers: r.joined,
    nonMemberJoinRate: ratio(r.joined, r.joined + r.guestOrders),
    historicalMemberOnlineRate: ratio(r.online, r.historical),
    dormantReactivationRate: ratio(r.reactivated, r.dormant),
  }));
}
