import { runSubgraphProcess } from '@retail/platform/config';
import { POINTS_SETTINGS } from './settings';

void runSubgraphProcess(POINTS_SETTINGS, () => (require('./index') as typeof import('./index')).pointsSubgraph);
