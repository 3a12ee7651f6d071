import DataLoader from 'dataloader';
import { entityLoader, groupByKeys, loaderFamily, pageKey, pagesLoader, type Database, type Page, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { FranchiseeRecord, GuideRecord, GuideStatus, StoreOpeningInterval, StoreRecord } from './model';
import { brandsByIds } from './repo/brands';
import { franchiseesByIds, franchiseesOfBrands } from './repo/franchisees';
import { guidesByIds, guidesOfStores } from './repo/guides';
import { openingHoursOf, storesByIds, storesOfFranchisees } from './repo/stores';

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type (and per nested list with the same arguments) per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    brand: entityLoader((ids) => brandsByIds(db, scope, ids)),
    franchisee: entityLoader((ids) => franchiseesByIds(db, scope, ids)),
    store: entityLoader((ids) => storesByIds(db, scope, ids)),
    guide: entityLoader((ids) => guidesByIds(db, scope, ids)),
    openingHours: new DataLoader<string, StoreOpeningInterval[]>(async (ids) => groupByKeys(ids, await openingHoursOf(db, ids), (r) => r.storeId)),
    franchiseesOfBrand: loaderFamily(pageKey, (page: PageRequest) => pagesLoader<FranchiseeRecord>((ids) => franchiseesOfBrands(db, scope, ids, page))),
    storesOfFranchisee: loaderFamily(pageKey, (page: PageRequest) => pagesLoader<StoreRecord>((ids) => storesOfFranchisees(db, scope, ids, page))),
    guidesOfStore: loaderFamily(
      ({ status, page }: { status: GuideStatus | null; page: PageRequest }) => `${status}:${pageKey(page)}`,
      ({ status, page }) => pagesLoader<GuideRecord>((ids) => guidesOfStores(db, scope, ids, status, page)),
    ),
  };
}

export type StoresLoaders = ReturnType<typeof createLoaders>;
export type StoresContext = SubgraphContext<StoresLoaders>;

/** Stores a list already read need no second statement when a guide asks for its store. */
export function primeStores<P extends Page<StoreRecord>>(l: StoresLoaders, page: P): P {
  for (const s of page.rows) l.store.prime(s.id, s);
  return page;
}
