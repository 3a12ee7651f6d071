import { runSubgraphMain } from '@retail/platform';
import { ordersSubgraph } from './index';

void runSubgraphMain(ordersSubgraph);
