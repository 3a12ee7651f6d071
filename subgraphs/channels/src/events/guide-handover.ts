import { newId, type Transaction } from '@retail/platform';
import type { WecomTransferKind } from '../providers/wecom/transfer';
import { recordHandover, type TransferToRecord } from '../repo/wecom-transfers';

/**
 * members.guide.handover (docs/events.md): each WeCom contact of each moved member becomes a transfer to send
 * (the wecom-transfers job sends it; never a provider call in the consumer's transaction). A member moved from a guide
 * who left (reason INHERITED_ON_LEAVE, also when assignGuide picks the heir) goes through resigned/transfer_customer
 * (INHERIT), any other through transfer_customer (ASSIGN). A member who had no guide (fromGuideId null) has no
 * contact to hand over. The same handover applied again records nothing (one row per handoverId).
 */
export async function applyGuideHandover(tx: Transaction, payload: unknown): Promise<void> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const handoverId = typeof p.handoverId === 'string' && p.handoverId ? p.handoverId : null;
  const brandId = typeof p.brandId === 'string' && p.brandId ? p.brandId : null;
  const at = typeof p.at === 'string' && !Number.isNaN(Date.parse(p.at)) ? p.at : null;
  if (!handoverId || !brandId || !at || (p.kind !== 'ASSIGN' && p.kind !== 'INHERIT') || !Array.isArray(p.moves)) {
    throw new Error('members.guide.handover payload needs handoverId, brandId, at, kind (ASSIGN, INHERIT) and moves');
  }
  const transfers: TransferToRecord[] = [];
  p.moves.forEach((m: unknown, i) => {
    const move = (m ?? {}) as Record<string, unknown>;
    if (typeof move.memberId !== 'string' || typeof move.toGuideId !== 'string' || !(move.fromGuideId === null || typeof move.fromGuideId === 'string')) {
      throw new Error(`members.guide.handover move ${i} needs memberId, fromGuideId (or null) and toGuideId`);
    }
    if (move.fromGuideId === null || move.fromGuideId === move.toGuideId) return;
    const kind: WecomTransferKind = move.reason === 'INHERITED_ON_LEAVE' ? 'INHERIT' : 'ASSIGN';
    for (const c of Array.isArray(move.wecomContacts) ? (move.wecomContacts as unknown[]) : []) {
      const contact = (c ?? {}) as Record<string, unknown>;
      if (typeof contact.corpId !== 'string' || typeof contact.externalUserId !== 'string' || !contact.corpId || !contact.externalUserId) {
        throw new Error(`members.guide.handover move ${i} has a WeCom contact without corpId and externalUserId`);
      }
      transfers.push({ id: newId('wxt'), kind, memberId: move.memberId, fromGuideId: move.fromGuideId, toGuideId: move.toGuideId, corpId: contact.corpId, externalUserId: contact.externalUserId });
    }
  });
  await recordHandover(tx, { handoverId, brandId, kind: p.kind, at }, transfers);
}
