import { runSubgraphMain } from '@retail/platform';
import { storesSubgraph } from './index';

void runSubgraphMain(storesSubgraph);
