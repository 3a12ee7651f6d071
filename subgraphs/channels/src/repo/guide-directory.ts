import { GuideDirectory } from '@retail/platform';

/**
 * channels' copy of the guides (guide → brand, store, status, WeCom userid), fed by stores.guide.changed: the WeCom
 * userids a handover's transfers are sent with, and the store a transfer's customers leave (docs/events.md,
 * members.guide.handover). The wecom-transfers repository joins its table.
 */
export const GUIDE_DIRECTORY = new GuideDirectory('channels', { keeps: ['wecomUserId'] });
