import { runSubgraphMain } from '@retail/platform';
import { channelsSubgraph } from './index';

void runSubgraphMain(channelsSubgraph);
