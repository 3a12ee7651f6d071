import type { Job } from '@retail/platform';
import type { ChannelsSettings } from '../settings';
import { reencryptCredentialsJob } from './reencrypt-credentials';
import { refreshCouponsJob } from './refresh-coupons';
import { sendRefundsJob } from './send-refunds';
import { syncChannelOrdersJob } from './sync-channel-orders';
import { wecomTransfersJob } from './wecom-transfers';

/** channels' background jobs that need none of its settings (none yet; its outbox relay and consumers are the platform's). */
export const JOBS: Job[] = [];

/** The jobs with the subgraph's settings: the order pull decrypts credentials with CHANNEL_SECRET_KEY; a key rotation re-encrypts them. */
export function jobsWithSettings(settings: ChannelsSettings): Job[] {
  return [...JOBS, syncChannelOrdersJob(settings), sendRefundsJob(settings), wecomTransfersJob(settings), refreshCouponsJob(settings), reencryptCredentialsJob(settings)];
}
