import DataLoader from 'dataloader';
import { byKeys, entityLoader, groupByKeys, loaderFamily, pageKey, pagesLoader, type Database, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { AccountPoints, EntryRecord, ExpiringPoints, PointsTransactionKind } from './model';
import { accountsByIds, accountsOfMembers, expiringOfAccounts, ledgersOfAccounts, pointsOfAccounts, pointsOfOrders } from './repo/accounts';
import { agreementsByIds } from './repo/agreements';
import { entriesByIds, exchangesByIds, quotesByIds } from './repo/exchanges';
import type { PointsSettings } from './settings';

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type (and per nested list with the same arguments) per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    account: entityLoader((ids) => accountsByIds(db, scope, ids)),
    /** A member's open account, inside the scope. */
    accountOfMember: new DataLoader(async (memberIds: readonly string[]) => byKeys(memberIds, await accountsOfMembers(db, scope, memberIds), (a) => a.memberId)),
    /** Balance and pending of accounts the fence returned. */
    points: new DataLoader<string, AccountPoints>(async (ids) => {
      const rows = byKeys(ids, await pointsOfAccounts(db, ids), (r) => r.accountId);
      return rows.map((r, i) => r ?? { accountId: ids[i]!, balance: 0, pending: 0 });
    }),
    expiringSoon: loaderFamily(String, (withinDays: number) => new DataLoader<string, ExpiringPoints[]>(async (ids) => groupByKeys(ids, await expiringOfAccounts(db, ids, withinDays), (r) => r.accountId))),
    transactions: loaderFamily(
      ({ kind, page }: { kind: PointsTransactionKind | null; page: PageRequest }) => JSON.stringify([kind, pageKey(page)]),
      ({ kind, page }) => pagesLoader<EntryRecord>((ids) => ledgersOfAccounts(db, ids, kind, page)),
    ),
    /** What orders earned, net of reversals, inside the scope. */
    orderPoints: new DataLoader(async (orderIds: readonly string[]) => byKeys(orderIds, await pointsOfOrders(db, scope, orderIds), (r) => r.id).map((r) => r?.points ?? null)),
    /** Partner agreements inside the scope (either brand's callers, its partners). */
    agreement: entityLoader((ids) => agreementsByIds(db, scope, ids)),
    /** Exchange quotes and exchanges inside the scope (their members, either brand's admins and partners). */
    quote: entityLoader((ids) => quotesByIds(db, scope, ids)),
    exchange: entityLoader((ids) => exchangesByIds(db, scope, ids)),
    /** Ledger entries of exchanges the fence returned. */
    entry: entityLoader((ids) => entriesByIds(db, ids)),
  };
}

export type PointsLoaders = ReturnType<typeof createLoaders>;
export type PointsContext = SubgraphContext<PointsLoaders, PointsSettings>;
