import { byKeys, groupByKeys, type Database, type SubgraphContext } from '@retail/platform';
import { brandsByIds, type BrandRecord } from './store/brands';
import { franchiseesByIds, franchiseesOfBrands, type FranchiseeRecord } from './store/franchisees';
import { guidesByIds, guidesOfStores, type GuideRecord, type GuideStatus } from './store/guides';
import { pageKey, type Page, type PageRequest } from './store/paging';
import { openingHoursOf, storesByIds, storesOfFranchisees, type StoreOpeningInterval, type StoreRecord } from './store/stores';

/**
 * The request's DataLoaders over the repositories: one SQL statement per entity type (and per nested
 * list with the same arguments) per level of the query, whatever the number of parents.
 */
export function loadersOf(db: Database, ctx: SubgraphContext) {
  const { loaders, scope } = ctx;
  const pagesOf = <R>(map: Map<string, Page<R>>, keys: readonly string[]) => keys.map((k) => map.get(k) ?? { rows: [], total: 0 });
  return {
    brand: loaders.get<string, BrandRecord | null>('brand', async (ids) => byKeys(ids, await brandsByIds(db, scope, ids), (r) => r.id)),
    franchisee: loaders.get<string, FranchiseeRecord | null>('franchisee', async (ids) => byKeys(ids, await franchiseesByIds(db, scope, ids), (r) => r.id)),
    store: loaders.get<string, StoreRecord | null>('store', async (ids) => byKeys(ids, await storesByIds(db, scope, ids), (r) => r.id)),
    guide: loaders.get<string, GuideRecord | null>('guide', async (ids) => byKeys(ids, await guidesByIds(db, scope, ids), (r) => r.id)),
    openingHours: loaders.get<string, StoreOpeningInterval[]>('openingHours', async (ids) => groupByKeys(ids, await openingHoursOf(db, ids), (r) => r.storeId)),
    franchiseesOfBrand: (page: PageRequest) =>
      loaders.get<string, Page<FranchiseeRecord>>(`franchiseesOfBrand:${pageKey(page)}`, async (ids) => pagesOf(await franchiseesOfBrands(db, scope, ids, page), ids)),
    storesOfFranchisee: (page: PageRequest) =>
      loaders.get<string, Page<StoreRecord>>(`storesOfFranchisee:${pageKey(page)}`, async (ids) => pagesOf(await storesOfFranchisees(db, scope, ids, page), ids)),
    guidesOfStore: (status: GuideStatus | null, page: PageRequest) =>
      loaders.get<string, Page<GuideRecord>>(`guidesOfStore:${status}:${pageKey(page)}`, async (ids) => pagesOf(await guidesOfStores(db, scope, ids, status, page), ids)),
  };
}

export type StoreLoaders = ReturnType<typeof loadersOf>;

/** Stores a list already read need no second statement when a guide asks for its store. */
export function primeStores<P extends Page<StoreRecord>>(l: StoreLoaders, page: P): P {
  for (const s of page.rows) l.store.prime(s.id, s);
  return page;
}
