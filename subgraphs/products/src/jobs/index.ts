import type { Job } from '@retail/platform';
import { expireReservationsJob } from './expire-reservations';

export const JOBS: Job[] = [expireReservationsJob];
