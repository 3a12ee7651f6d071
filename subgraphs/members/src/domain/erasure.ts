import { administersBrand, UserErrorException, type Scope } from '@retail/platform';

// Who may erase a member's personal data (PIPL, eraseMember) and what the audit may keep of the request.

/** Erasure is the brand's decision on the member's request: an admin of the member's brand, or the platform. */
export function assertMayErase(scope: Scope, brandId: string): void {
  if (!administersBrand(scope, brandId)) throw UserErrorException.forbidden(`only an admin of brand ${brandId} or the platform erases its members`, ['input', 'memberId']);
}

/**
 * The audit keeps the reason, so it must not carry what the erasure removes: a reason that quotes the person's name,
 * mobile number or its masked form is refused (INVALID_INPUT) before anything is written.
 */
export function assertReasonAnonymous(reason: string, personalData: readonly (string | null)[]): void {
  const compact = reason.replace(/[\s-]/g, '');
  const quoted = personalData.some((value) => value !== null && value.length > 0 && (reason.includes(value) || compact.includes(value.replace(/[\s-]/g, ''))));
  if (quoted) throw UserErrorException.of('INVALID_INPUT', "the reason is kept for audit: leave out the member's name and phone", ['input', 'reason']);
}
