import type { WecomTransferRecord } from '../repo/wecom-transfers';

export const WecomTransfer = {
  member: (t: WecomTransferRecord) => ({ __typename: 'Member', id: t.memberId }),
  fromGuide: (t: WecomTransferRecord) => ({ __typename: 'Guide', id: t.fromGuideId }),
  toGuide: (t: WecomTransferRecord) => ({ __typename: 'Guide', id: t.toGuideId }),
  errorCode: (t: WecomTransferRecord) => t.errcode,
  error: (t: WecomTransferRecord) => t.lastError,
};
