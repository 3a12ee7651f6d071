import { callWecom, type WecomAccount, type WecomTokenCache } from './api';

// 在职继承 and 离职继承 of external contacts (客户): externalcontact/transfer_customer moves a working member's customers,
// externalcontact/resigned/transfer_customer a leaver's; at most 100 external_userid per call, each answered with its
// own errcode. transfer_result / resigned/transfer_result tell what became of each (status 1 接替完毕, 2 等待接替,
// 3 客户拒绝, 4 接替成员客户达到上限, 5 无接替记录), paged by cursor.

/** At most this many customers per transfer call (WeCom's limit). */
export const WECOM_TRANSFER_BATCH = 100;

/** ASSIGN: the customers' guide still works (在职分配); INHERIT: the guide left (离职继承). */
export type WecomTransferKind = 'ASSIGN' | 'INHERIT';

/** Where a transfer's customers stand. */
export type WecomTransferState = 'WAITING' | 'TAKEN_OVER' | 'REFUSED' | 'LIMIT_REACHED' | 'FAILED';

export interface TransferBatch {
  kind: WecomTransferKind;
  handoverUserId: string;
  takeoverUserId: string;
  externalUserIds: readonly string[];
}

/** WeCom's answer for one customer of a transfer call: errcode 0 means the transfer is under way (等待接替). */
export interface CustomerAnswer {
  externalUserId: string;
  errcode: number;
}

export function transferPath(kind: WecomTransferKind): string {
  return kind === 'ASSIGN' ? '/cgi-bin/externalcontact/transfer_customer' : '/cgi-bin/externalcontact/resigned/transfer_customer';
}

export function transferResultPath(kind: WecomTransferKind): string {
  return kind === 'ASSIGN' ? '/cgi-bin/externalcontact/transfer_result' : '/cgi-bin/externalcontact/resigned/transfer_result';
}

/** Sends one batch (≤ 100 customers); each customer's errcode as WeCom answered it (a customer it left out: -1). */
export async function transferCustomers(cache: WecomTokenCache, account: WecomAccount, batch: TransferBatch): Promise<CustomerAnswer[]> {
  if (batch.externalUserIds.length === 0 || batch.externalUserIds.length > WECOM_TRANSFER_BATCH) {
    throw new Error(`a WeCom transfer takes 1 to ${WECOM_TRANSFER_BATCH} customers, not ${batch.externalUserIds.length}`);
  }
  const answer = await callWecom(cache, account, transferPath(batch.kind), {
    handover_userid: batch.handoverUserId,
    takeover_userid: batch.takeoverUserId,
    external_userid: batch.externalUserIds,
  });
  const byId = new Map<string, number>();
  for (const c of Array.isArray(answer.customer) ? (answer.customer as unknown[]) : []) {
    const item = c as { external_userid?: unknown; errcode?: unknown };
    if (typeof item.external_userid === 'string') byId.set(item.external_userid, Number(item.errcode ?? -1));
  }
  return batch.externalUserIds.map((id) => ({ externalUserId: id, errcode: byId.get(id) ?? -1 }));
}

/** One customer's transfer as transfer_result reports it. */
export interface CustomerResult {
  externalUserId: string;
  state: WecomTransferState | null;
  /** The takeover time (接替时间) for TAKEN_OVER, ISO 8601. */
  takeoverAt: string | null;
}

/** WeCom's status number as our state; 5 (no transfer record) is FAILED, unknown numbers null (ask again). */
export function transferState(status: number): WecomTransferState | null {
  switch (status) {
    case 1:
      return 'TAKEN_OVER';
    case 2:
      return 'WAITING';
    case 3:
      return 'REFUSED';
    case 4:
      return 'LIMIT_REACHED';
    case 5:
      return 'FAILED';
    default:
      return null;
  }
}

/** Every customer's result of the transfers from one member to another, all pages (cursor) read. */
export async function transferResults(cache: WecomTokenCache, account: WecomAccount, pair: Omit<TransferBatch, 'externalUserIds'>): Promise<CustomerResult[]> {
  const results: CustomerResult[] = [];
  let cursor = '';
  for (let page = 0; page < 1000; page++) {
    const answer = await callWecom(cache, account, transferResultPath(pair.kind), { handover_userid: pair.handoverUserId, takeover_userid: pair.takeoverUserId, ...(cursor ? { cursor } : {}) });
    for (const c of Array.isArray(answer.customer) ? (answer.customer as unknown[]) : []) {
      const item = c as { external_userid?: unknown; status?: unknown; takeover_time?: unknown };
      if (typeof item.external_userid !== 'string') continue;
      const at = typeof item.takeover_time === 'number' && item.takeover_time > 0 ? new Date(item.takeover_time * 1000).toISOString() : null;
      results.push({ externalUserId: item.external_userid, state: transferState(Number(item.status)), takeoverAt: at });
    }
    cursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : '';
    if (!cursor) break;
  }
  return results;
}
