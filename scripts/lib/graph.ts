import type { Database, SubgraphDefinition } from '@retail/platform';
import { storesSubgraph } from '../../subgraphs/stores/src';
import { seedStores } from '../../subgraphs/stores/src/seed';
import { productsSubgraph } from '../../subgraphs/products/src';
import { seedProducts } from '../../subgraphs/products/src/seed';

export interface GraphPart {
  definition: SubgraphDefinition;
  seed(db: Database): Promise<void>;
  /** Entry file of the subgraph's own process. */
  main: string;
}

/** The implemented subgraphs, in the order they start (stores first: the others reference its ids). */
export const GRAPH: GraphPart[] = [
  { definition: storesSubgraph, seed: seedStores, main: 'subgraphs/stores/src/main.ts' },
  { definition: productsSubgraph, seed: seedProducts, main: 'subgraphs/products/src/main.ts' },
];
