import { runSubgraphMain } from '@retail/platform';
import { productsSubgraph } from './index';

void runSubgraphMain(productsSubgraph);
