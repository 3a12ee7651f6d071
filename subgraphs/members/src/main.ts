import { runSubgraphMain } from '@retail/platform';
import { membersSubgraph } from './index';

void runSubgraphMain(membersSubgraph);
