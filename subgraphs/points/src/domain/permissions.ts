import { administersBrand, UserErrorException, type Scope } from '@retail/platform';

// Who may do what to points (docs/architecture.md §4), on top of the account fence (repo/accounts.ts), which already
// keeps accounts outside the caller's reach out of sight (NOT_FOUND).

/**
 * Spending points (redeemPoints): the member itself, its brand's admins, the staff of its home store (at the counter)
 * and the platform (another service paying an order with points). Franchisees, guides and partners only look.
 */
export function assertMayRedeem(scope: Scope, memberId: string): void {
  const field = ['input', 'memberId'];
  if (scope.kind === 'member' && scope.memberId !== memberId) throw UserErrorException.forbidden('a member spends its own points only', field);
  if (scope.kind === 'platform' || scope.kind === 'brand' || scope.kind === 'store' || scope.kind === 'member') return;
  throw UserErrorException.forbidden('you may not spend members\' points', field);
}

/** Correcting a balance by hand (adjustPoints): the platform and the brand's own admins; never a franchisee. */
export function assertMayAdjust(scope: Scope, brandId: string): void {
  if (!administersBrand(scope, brandId)) throw UserErrorException.forbidden(`you may not adjust points of brand ${brandId}`, ['input', 'memberId']);
}

/**
 * Proposing a partner agreement: the platform (for fromBrand) or an admin of one of its two brands; returns the
 * proposing brand. The other brand's admin accepts it (assertMayAccept).
 */
export function proposingBrand(scope: Scope, fromBrandId: string, toBrandId: string): string {
  if (scope.kind === 'platform') return fromBrandId;
  if (scope.kind === 'brand' && (scope.brandId === fromBrandId || scope.brandId === toBrandId)) return scope.brandId;
  throw UserErrorException.forbidden('an agreement is proposed by an admin of one of its two brands', ['input', 'fromBrandId']);
}

/** Accepting an agreement: the other brand's admin (never the proposing brand's), or the platform. */
export function assertMayAccept(scope: Scope, agreement: { fromBrandId: string; toBrandId: string; proposedByBrandId: string }): void {
  const other = agreement.proposedByBrandId === agreement.fromBrandId ? agreement.toBrandId : agreement.fromBrandId;
  if (scope.kind === 'platform' || (scope.kind === 'brand' && scope.brandId === other)) return;
  throw UserErrorException.forbidden(`the agreement was proposed by ${agreement.proposedByBrandId}: an admin of ${other} accepts it`, ['input', 'agreementId']);
}

/** Switching an agreement on or off: an admin of either brand, or the platform. */
export function assertMayRunAgreement(scope: Scope, agreement: { fromBrandId: string; toBrandId: string }): void {
  if (administersBrand(scope, agreement.fromBrandId) || administersBrand(scope, agreement.toBrandId)) return;
  throw UserErrorException.forbidden('admins of the agreement\'s brands only', ['input', 'agreementId']);
}

/** Exchanging points (quote and commit): the member itself, for its own points, or the platform acting for it. */
export function assertMayExchange(scope: Scope, fromMemberId: string): void {
  if (scope.kind === 'platform' || (scope.kind === 'member' && scope.memberId === fromMemberId)) return;
  throw UserErrorException.forbidden('a member exchanges its own points only', ['input', 'fromMemberId']);
}

/** Reversing an exchange: the platform or an admin of either brand (with points:adjust); never a franchisee or staff. */
export function assertMayReverse(scope: Scope): void {
  if (scope.kind === 'platform' || scope.kind === 'brand') return;
  throw UserErrorException.forbidden('you may not reverse exchanges', ['input', 'exchangeId']);
}

/** A partner settlement statement: the platform, and either brand's admins or partner staff (scope points:settlement). */
export function maySeeSettlement(scope: Scope, agreement: { fromBrandId: string; toBrandId: string }): boolean {
  if (scope.kind === 'platform') return true;
  const brand = scope.kind === 'brand' ? scope.brandId : scope.kind === 'partner' ? scope.partnerBrandId : null;
  return brand !== null && (brand === agreement.fromBrandId || brand === agreement.toBrandId);
}
