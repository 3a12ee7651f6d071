import { runSubgraphProcess } from '@retail/platform/config';
import { ORDERS_SETTINGS } from './settings';

void runSubgraphProcess(ORDERS_SETTINGS, () => (require('./index') as typeof import('./index')).ordersSubgraph);
