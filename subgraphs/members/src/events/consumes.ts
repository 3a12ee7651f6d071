import type { ConsumedTopic, Transaction } from '@retail/platform';
import type { GuideStatus } from '../model';
import { upsertGuideEntry } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';

/** The part of a 'stores.guide.changed' payload members needs (other fields are ignored). */
export interface GuideChangedPayload {
  id: string;
  brandId: string;
  storeId: string;
  status: GuideStatus;
  [other: string]: unknown;
}

/**
 * Keeps members.guide_directory current (guide → brand, store, status), by which a registration's guide is
 * checked and a guide's customers are fenced. Runs inside the consumer's transaction with its dedupe row
 * (docs/architecture.md §6).
 */
export async function applyGuideChanged(tx: Transaction, payload: GuideChangedPayload): Promise<void> {
  if (!payload.id || !payload.brandId || !payload.storeId || (payload.status !== 'ACTIVE' && payload.status !== 'LEFT')) {
    throw new Error('stores.guide.changed payload needs id, brandId, storeId and status ACTIVE or LEFT');
  }
  await upsertGuideEntry(tx, { guideId: payload.id, brandId: payload.brandId, storeId: payload.storeId, status: payload.status });
}

/** The topics members applies: the stores subgraph's stores (home-store fence) and guides (join guide, customers). */
export const CONSUMES: ConsumedTopic[] = [
  STORE_DIRECTORY.consumer,
  { topic: 'stores.guide.changed', apply: (tx, e) => applyGuideChanged(tx, e.payload as GuideChangedPayload) },
];
