import DataLoader from 'dataloader';
import { byKeys, entityLoader, groupByKeys, loaderFamily, pageKey, pagesLoader, type Database, type Page, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { GuideAssignmentRecord, IdentityRecord, MemberRecord, TagRecord, TierChangeRecord } from './model';
import { guideHistoryOf } from './repo/guide-assignments';
import { guidesInScope, pendingHandoversOfStores, type PendingHandover } from './repo/guide-directory';
import { identitiesOf, identityLookupKey, memberIdsByIdentities, type IdentityLookup } from './repo/identities';
import { currentMembersByIds, customersOfGuides, membersByIds, membersOfStores, type MemberConditions } from './repo/members';
import { STORE_DIRECTORY } from './repo/store-directory';
import { periodKey, type MetricsPeriod } from './domain/store-metrics';
import { memberMetricsOfStores } from './repo/member-metrics';
import type { StoreMemberMetricsRecord } from './model';
import type { MembersSettings } from './settings';
import { memberCountsOfTags, tagsOfMembers } from './repo/tags';
import { tierHistoryOf } from './repo/tiers';

/** Whether each id is among those a fenced statement returned. */
const among = (ids: readonly string[], found: readonly string[]) => ids.map((id) => found.includes(id));

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type (and per nested list with the same arguments) per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    /** A member by id as it stands: a merged member's id answers its survivor (docs/events.md, members.member.merged). */
    member: new DataLoader<string, MemberRecord | null>(async (ids) => byKeys(ids, await currentMembersByIds(db, scope, ids), (r) => r.askedId)),
    /** A member's own record, a merged one too (with mergedInto set). */
    memberRecord: entityLoader((ids) => membersByIds(db, scope, ids)),
    /** The member bound to a channel account, inside the brands the scope reaches (the member itself is fenced by `member`). */
    memberIdByIdentity: new DataLoader<IdentityLookup, string | null, string>(
      async (keys) => byKeys(keys.map(identityLookupKey), await memberIdsByIdentities(db, scope, keys), (r) => r.key).map((r) => r?.memberId ?? null),
      { cacheKeyFn: identityLookupKey },
    ),
    /** A member's channel accounts (the member was fenced already). */
    identities: new DataLoader<string, IdentityRecord[]>(async (ids) => groupByKeys(ids, await identitiesOf(db, ids), (r) => r.memberId)),
    /** A member's guide bindings, newest first (the member was fenced already). */
    guideHistory: new DataLoader<string, GuideAssignmentRecord[]>(async (ids) => groupByKeys(ids, await guideHistoryOf(db, ids), (r) => r.memberId)),
    /** Whether the caller's scope reaches a store (its members are private to it), by members' store directory. */
    storeInScope: new DataLoader<string, boolean>(async (ids) => among(ids, (await STORE_DIRECTORY.inScope(db, scope, ids)).filter((s) => s.inScope).map((s) => s.storeId))),
    /** Whether the caller's scope reaches a guide (its customers are private to it), by members' guide directory. */
    guideInScope: new DataLoader<string, boolean>(async (ids) => among(ids, await guidesInScope(db, scope, ids))),
    /** A store's LEFT guides with customers still bound (离职待继承), counting the customers the scope reaches. */
    guidesAwaitingHandover: new DataLoader<string, PendingHandover[]>(async (ids) => groupByKeys(ids, await pendingHandoversOfStores(db, scope, ids), (r) => r.storeId)),
    membersOfStore: loaderFamily(
      ({ filter, page }: { filter: MemberConditions; page: PageRequest }) => JSON.stringify([filter, pageKey(page)]),
      ({ filter, page }) => pagesLoader<MemberRecord>((ids) => membersOfStores(db, scope, ids, filter, page)),
    ),
    /** A member's tags by name, those the scope may see (the member was fenced already). */
    tagsOfMember: new DataLoader<string, TagRecord[]>(async (ids) => groupByKeys(ids, await tagsOfMembers(db, scope, ids), (r) => r.memberId)),
    /** How many members carrying a tag the scope reaches. */
    tagMemberCount: new DataLoader<string, number>(async (ids) => byKeys(ids, await memberCountsOfTags(db, scope, ids), (r) => r.tagId).map((r) => r?.count ?? 0)),
    /** A member's tier changes, newest first (the member was fenced already). */
    tierHistory: new DataLoader<string, TierChangeRecord[]>(async (ids) => groupByKeys(ids, await tierHistoryOf(db, ids), (r) => r.memberId)),
    customersOfGuide: loaderFamily(pageKey, (page: PageRequest) => pagesLoader<MemberRecord>((ids) => customersOfGuides(db, scope, ids, page))),
    /** Membership metrics of stores over one period (null outside the scope): all stores of a request in one statement. */
    storeMemberMetrics: loaderFamily(periodKey, (period: MetricsPeriod) =>
      new DataLoader<string, StoreMemberMetricsRecord | null>(async (ids) => byKeys(ids, await memberMetricsOfStores(db, scope, ids, period), (r) => r.storeId)),
    ),
  };
}

export type MembersLoaders = ReturnType<typeof createLoaders>;
export type MembersContext = SubgraphContext<MembersLoaders, MembersSettings>;

/** Members a list already read need no second statement when another path of the request asks for them. */
export function primeMembers<P extends Page<MemberRecord>>(l: MembersLoaders, page: P): P {
  for (const m of page.rows) l.member.prime(m.id, m);
  return page;
}
