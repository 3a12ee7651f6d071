import { runSubgraphProcess } from '@retail/platform/config';
import { MEMBERS_SETTINGS } from './settings';

void runSubgraphProcess(MEMBERS_SETTINGS, () => (require('./index') as typeof import('./index')).membersSubgraph);
