import { appendAllToOutbox, appendToOutbox, newId, type MemberErased, type Transaction } from '@retail/platform';
import type { GuideMove } from '../domain/guide-handover';
import { wecomContactsOf } from '../repo/identities';

// The topics members publishes (docs/events.md, "members"), each appended to the outbox in the caller's transaction.

export const MEMBER_MERGED_TOPIC = 'members.member.merged';

export const MEMBER_ERASED_TOPIC = 'members.member.erased';

export const GUIDE_HANDOVER_TOPIC = 'members.guide.handover';

export const PUBLISHES: readonly string[] = [MEMBER_MERGED_TOPIC, MEMBER_ERASED_TOPIC, GUIDE_HANDOVER_TOPIC];

/** members.member.merged (key: the merged member): from mergedAt on, everything of mergedId belongs to survivorId. */
export interface MemberMergedPayload {
  mergeId: string;
  brandId: string;
  survivorId: string;
  mergedId: string;
  /** The survivor's OneID. */
  oneId: string;
  /** ISO 8601. */
  mergedAt: string;
}

export async function publishMemberMerged(tx: Transaction, payload: MemberMergedPayload): Promise<void> {
  await appendToOutbox(tx, 'members', { topic: MEMBER_MERGED_TOPIC, key: payload.mergedId, payload });
}

/**
 * members.member.erased (key: the member), PIPL: the member's personal data is gone; ids, the time and the keyed refs
 * of the channel accounts it held (never the accounts' ids: the event log keeps every event).
 */
export type MemberErasedPayload = MemberErased;

/** One members.member.erased per erased member (a person's memberships in every brand), in one statement. */
export async function publishMembersErased(tx: Transaction, payloads: readonly MemberErasedPayload[]): Promise<void> {
  await appendAllToOutbox(tx, 'members', payloads.map((payload) => ({ topic: MEMBER_ERASED_TOPIC, key: payload.memberId, payload })));
}

/** One member's move in a handover, with the WeCom contacts (corp id, external user id) the new guide takes over. */
export interface HandoverMove extends GuideMove {
  fromGuideId: string | null;
  wecomContacts: { corpId: string; externalUserId: string }[];
}

/** members.guide.handover (key: the handover): the members an assignGuide or inheritGuideCustomers call moved. */
export interface GuideHandoverPayload {
  handoverId: string;
  brandId: string;
  /** ASSIGN: assignGuide (在职分配); INHERIT: inheritGuideCustomers (离职继承). */
  kind: 'ASSIGN' | 'INHERIT';
  /** ISO 8601. */
  at: string;
  moves: { memberId: string; fromGuideId: string | null; toGuideId: string; reason: GuideMove['reason']; wecomContacts: HandoverMove['wecomContacts'] }[];
}

/**
 * Publishes the moves just made (nothing when nobody moved), with each member's WeCom contacts, so channels moves the
 * external contacts in WeCom too (docs/events.md). One statement for the contacts, whatever the number of moves.
 */
export async function publishGuideHandover(
  tx: Transaction,
  h: { brandId: string; kind: GuideHandoverPayload['kind']; moves: readonly GuideMove[]; at: Date; previousGuide: ReadonlyMap<string, string> },
): Promise<string | null> {
  if (h.moves.length === 0) return null;
  const contacts = await wecomContactsOf(tx, h.moves.map((m) => m.memberId));
  const payload: GuideHandoverPayload = {
    handoverId: newId('hnd'),
    brandId: h.brandId,
    kind: h.kind,
    at: h.at.toISOString(),
    moves: h.moves.map((m) => ({
      memberId: m.memberId,
      fromGuideId: h.previousGuide.get(m.memberId) ?? null,
      toGuideId: m.guideId,
      reason: m.reason,
      wecomContacts: contacts.filter((c) => c.memberId === m.memberId).map(({ corpId, externalUserId }) => ({ corpId, externalUserId })),
    })),
  };
  await appendToOutbox(tx, 'members', { topic: GUIDE_HANDOVER_TOPIC, key: payload.handoverId, payload });
  return payload.handoverId;
}
