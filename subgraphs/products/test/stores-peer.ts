import { storeOperatorsPeer } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';

/** When products' demo directory says the demo stores last changed (src/demo/index.ts seeds it so). */
export const DEMO_DIRECTORY_TIME = '2024-01-01T00:00:00.000Z';

/** The stores subgraph as products sees it in its own tests: storeOperators answered from the demo stores. */
export const storesPeer = () => storeOperatorsPeer(DEMO_STORES, DEMO_DIRECTORY_TIME);
