import type { Job } from '@retail/platform';

/** members has no background work yet (its event consumers are the platform's). */
export const JOBS: Job[] = [];
