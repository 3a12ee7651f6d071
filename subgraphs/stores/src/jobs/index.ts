import type { Job } from '@retail/platform';

/** stores has no background work of its own (its outbox relay is the platform's). */
export const JOBS: Job[] = [];
