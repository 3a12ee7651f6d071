import { channelsSubgraph } from '@retail/channels';
import { membersSubgraph } from '@retail/members';
import { ordersSubgraph } from '@retail/orders';
import type { Subgraph } from '@retail/platform';
import { pointsSubgraph } from '@retail/points';
import { productsSubgraph } from '@retail/products';
import { storesSubgraph } from '@retail/stores';

/**
 * Every implemented subgraph, in the order they start (stores first: the others refer to its ids).
 * Adding a subgraph is one line here (docs/adding-a-subgraph.md); `npm start`, composition, the gateway's
 * service list (through the supergraph), the bench, the test graph and the docker-compose check follow.
 */
export const SUBGRAPHS: readonly Subgraph[] = [storesSubgraph, productsSubgraph, membersSubgraph, ordersSubgraph, pointsSubgraph, channelsSubgraph];
