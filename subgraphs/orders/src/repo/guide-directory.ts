import { GuideDirectory } from '@retail/platform';

/**
 * orders' copy of the guides (guide → brand, store, status), fed by stores.guide.changed: a guide named on an order
 * must be one of the order's brand (docs/architecture.md §6).
 */
export const GUIDE_DIRECTORY = new GuideDirectory('orders');
