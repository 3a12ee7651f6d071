import type { Database } from '@retail/platform';
import { seedDemoConnections } from '../repo/connections';
import { seedDemoPulledRecords } from '../repo/events';
import type { ChannelsSettings } from '../settings';
import { DEMO_CONNECTIONS, DEMO_PULLED_RECORDS } from './data';

export * from './data';

/**
 * Loads channels' demo data (./data.ts): the demo brand's DISABLED Tmall and JD shops and the records that are the
 * demo marketplace orders' origins. Inserts that leave existing rows alone, so a second run neither fails nor overwrites.
 */
export async function seedChannels(db: Database, _settings: ChannelsSettings): Promise<void> {
  await db.transaction(async (tx) => {
    await seedDemoConnections(tx, DEMO_CONNECTIONS);
    await seedDemoPulledRecords(tx, DEMO_PULLED_RECORDS);
  });
}
