import { forbidden, type Scope } from '@retail/platform';
import type { ExportProfile, ExportRows } from '../repo/member-export';
import type { MemberDataKey } from './member-data-key';

// A member's data export (PIPL 查阅复制权): who may ask for it and what it says.

/**
 * Who may export a member's data: the member itself (MEMBER viewer with that id) and the platform, which answers
 * requests made to it on the member's behalf. Nobody else, however far its fence reaches (FORBIDDEN); a member
 * asking for another member's data finds nothing (null), as for any member outside its fence.
 */
export function assertMayExport(scope: Scope): void {
  if (scope.kind !== 'platform' && scope.kind !== 'member') throw forbidden("a member's data export is for the member itself and the platform");
}

/**
 * The export as one JSON document. The full mobile number is decrypted for the member itself only (it is its own
 * data); the platform gets the masked form, as everywhere else in the graph (docs/architecture.md §4). The sealed
 * ciphertext itself never leaves.
 */
export function memberExportDocument(scope: Scope, keys: MemberDataKey, profile: ExportProfile, rows: ExportRows, exportedAt: Date): string {
  const { phoneCipher, ...held } = profile;
  const ownData = scope.kind === 'member' && scope.memberId === profile.id;
  const phone = ownData ? openedPhone(keys, profile.id, phoneCipher) : null;
  return JSON.stringify({ exportedAt, member: { ...held, phone }, ...rows });
}

/**
 * The member's number in clear, or null when it has none or its ciphertext does not open (sealed under an earlier
 * MEMBER_DATA_KEY): an export or an erasure must not fail for it.
 */
export function openedPhone(keys: MemberDataKey, memberId: string, sealed: string | null): string | null {
  if (sealed === null) return null;
  try {
    return keys.openPhone(memberId, sealed);
  } catch {
    return null;
  }
}
