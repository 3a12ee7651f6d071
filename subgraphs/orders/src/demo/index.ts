import type { Database } from '@retail/platform';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { seedDemoOrders } from '../repo/orders';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { seedStoreProfiles } from '../repo/store-profiles';
import type { OrdersSettings } from '../settings';
import { DEMO_COMMISSIONS, DEMO_DIRECTORY_AS_OF, DEMO_ORDER_GUIDES, DEMO_ORDER_STORES, DEMO_ORDERS, DEMO_REFUNDS, DEMO_STORE_PROFILES } from './data';
import { seedDemoSettlement } from './settlement';

export * from './data';

/**
 * Loads orders' demo data (./data.ts): its copies of the demo stores and guides, then the demo orders. One
 * transaction of inserts that leave existing rows alone, so a second run neither fails nor overwrites.
 */
export async function seedOrders(db: Database, settings: OrdersSettings): Promise<void> {
  await db.transaction(async (tx) => {
    await STORE_DIRECTORY.seed(tx, DEMO_ORDER_STORES, DEMO_DIRECTORY_AS_OF);
    await seedStoreProfiles(tx, DEMO_STORE_PROFILES, DEMO_DIRECTORY_AS_OF);
    await GUIDE_DIRECTORY.seed(tx, DEMO_ORDER_GUIDES, DEMO_DIRECTORY_AS_OF);
    await seedDemoOrders(tx, DEMO_ORDERS, settings.ORDER_PAYMENT_TIMEOUT_MIN);
    await seedDemoSettlement(tx, DEMO_COMMISSIONS, DEMO_ORDERS, DEMO_REFUNDS);
  });
}
