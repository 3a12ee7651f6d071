import { runSubgraphProcess } from '@retail/platform/config';
import { CHANNELS_SETTINGS } from './settings';

void runSubgraphProcess(CHANNELS_SETTINGS, () => (require('./index') as typeof import('./index')).channelsSubgraph);
