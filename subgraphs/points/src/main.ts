import { runSubgraphMain } from '@retail/platform';
import { pointsSubgraph } from './index';

void runSubgraphMain(pointsSubgraph);
