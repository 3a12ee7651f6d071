import type { Job } from '@retail/platform';
import { expirePointsJob } from './expire-points';

export const JOBS: Job[] = [expirePointsJob];
