import type { PendingHandover } from '../repo/guide-directory';

/** A LEFT guide of a store with customers still bound (Store.guidesAwaitingHandover); the store was fenced already. */
export const GuideHandoverPending = {
  guide: (p: PendingHandover) => ({ __typename: 'Guide', id: p.guideId }),
};
