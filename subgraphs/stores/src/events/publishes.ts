import { appendToOutbox, type Transaction } from '@retail/platform';
import { toOpeningHours, type OpeningInterval } from '../domain/opening-hours';
import type { GuideRecord, StoreRecord } from '../model';

// What the stores subgraph publishes (docs/architecture.md §6). Each event carries the aggregate's whole
// state after the change, so a consumer never has to call back.

export const STORE_CHANGED = 'stores.store.changed';
export const GUIDE_CHANGED = 'stores.guide.changed';
export const PUBLISHES: readonly string[] = [STORE_CHANGED, GUIDE_CHANGED];

const SCHEMA = 'stores';

export async function publishStoreChanged(tx: Transaction, store: StoreRecord, hours: readonly OpeningInterval[]): Promise<void> {
  const { inScope: _private, ...state } = store;
  await appendToOutbox(tx, SCHEMA, { topic: STORE_CHANGED, key: store.id, payload: { ...state, openingHours: hours.map(toOpeningHours) } });
}

export async function publishGuideChanged(tx: Transaction, guide: GuideRecord): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: GUIDE_CHANGED, key: guide.id, payload: guide });
}
