import { runSubgraphProcess } from '@retail/platform/config';

void runSubgraphProcess({}, () => (require('./index') as typeof import('./index')).productsSubgraph);
