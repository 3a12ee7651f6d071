import DataLoader from 'dataloader';
import { entityLoader, groupByKeys, loaderFamily, pageKey, pagesLoader, type Database, type Page, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { GuideAssignmentRecord, IdentityRecord, MemberRecord } from './model';
import { guideHistoryOf } from './repo/guide-assignments';
import { guidesInScope } from './repo/guide-directory';
import { identitiesOf } from './repo/identities';
import { customersOfGuides, membersByIds, membersOfStores, type MemberConditions } from './repo/members';
import { STORE_DIRECTORY } from './repo/store-directory';
import type { MembersSettings } from './settings';

/** Whether each id is among those a fenced statement returned. */
const among = (ids: readonly string[], found: readonly string[]) => ids.map((id) => found.includes(id));

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type (and per nested list with the same arguments) per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    member: entityLoader((ids) => membersByIds(db, scope, ids)),
    /** A member's channel accounts (the member was fenced already). */
    identities: new DataLoader<string, IdentityRecord[]>(async (ids) => groupByKeys(ids, await identitiesOf(db, ids), (r) => r.memberId)),
    /** A member's guide bindings, newest first (the member was fenced already). */
    guideHistory: new DataLoader<string, GuideAssignmentRecord[]>(async (ids) => groupByKeys(ids, await guideHistoryOf(db, ids), (r) => r.memberId)),
    /** Whether the caller's scope reaches a store (its members are private to it), by members' store directory. */
    storeInScope: new DataLoader<string, boolean>(async (ids) => among(ids, (await STORE_DIRECTORY.inScope(db, scope, ids)).filter((s) => s.inScope).map((s) => s.storeId))),
    /** Whether the caller's scope reaches a guide (its customers are private to it), by members' guide directory. */
    guideInScope: new DataLoader<string, boolean>(async (ids) => among(ids, await guidesInScope(db, scope, ids))),
    membersOfStore: loaderFamily(
      ({ filter, page }: { filter: MemberConditions; page: PageRequest }) => JSON.stringify([filter, pageKey(page)]),
      ({ filter, page }) => pagesLoader<MemberRecord>((ids) => membersOfStores(db, scope, ids, filter, page)),
    ),
    customersOfGuide: loaderFamily(pageKey, (page: PageRequest) => pagesLoader<MemberRecord>((ids) => customersOfGuides(db, scope, ids, page))),
  };
}

export type MembersLoaders = ReturnType<typeof createLoaders>;
export type MembersContext = SubgraphContext<MembersLoaders, MembersSettings>;

/** Members a list already read need no second statement when another path of the request asks for them. */
export function primeMembers<P extends Page<MemberRecord>>(l: MembersLoaders, page: P): P {
  for (const m of page.rows) l.member.prime(m.id, m);
  return page;
}
