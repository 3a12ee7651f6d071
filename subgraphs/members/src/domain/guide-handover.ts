import type { GuideAssignmentReason, GuideStatus } from '../model';

// Guide binding (专属导购): the pure rules of 在职分配 (assignGuide) and 离职继承 (inheritGuideCustomers).

/** One member's new exclusive guide and why. */
export interface GuideMove {
  memberId: string;
  guideId: string;
  reason: GuideAssignmentReason;
}

/** How many customers one heir receives. */
export interface HandoverCount {
  guideId: string;
  count: number;
}

/** The distinct values in the order of their first appearance. */
export function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Why a member gets `guideId` by assignment, or null when that guide is its guide already (nothing to do): ASSIGNED
 * for an unbound member, REASSIGNED from another guide, INHERITED_ON_LEAVE when its guide has LEFT (a manager
 * picking the heir of single customers is still an inheritance).
 */
export function assignmentReason(current: { guideId: string | null; guideStatus: GuideStatus | null }, guideId: string): GuideAssignmentReason | null {
  if (current.guideId === guideId) return null;
  if (current.guideId === null) return 'ASSIGNED';
  return current.guideStatus === 'LEFT' ? 'INHERITED_ON_LEAVE' : 'REASSIGNED';
}

/**
 * Spreads the customers of a guide who left over its heirs evenly and deterministically: customers in id order go
 * round the heirs in the order given, so any two heirs' counts differ by at most one and the same input always
 * gives the same split. One heir takes all. `heirIds` must not be empty when there are customers.
 */
export function spreadCustomers(customerIds: readonly string[], heirIds: readonly string[]): { moves: GuideMove[]; handovers: HandoverCount[] } {
  if (customerIds.length > 0 && heirIds.length === 0) throw new Error('spreadCustomers needs at least one heir');
  const sorted = [...customerIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const moves = sorted.map((memberId, i) => ({ memberId, guideId: heirIds[i % heirIds.length]!, reason: 'INHERITED_ON_LEAVE' as const }));
  const handovers = heirIds.map((guideId, i) => ({ guideId, count: Math.floor(sorted.length / heirIds.length) + (i < sorted.length % heirIds.length ? 1 : 0) })).filter((h) => h.count > 0);
  return { moves, handovers };
}
