// Mainland China mobile numbers as members give them at joining (入会): one normal form, and the masked form
// the graph shows (docs/architecture.md §4: the full number is never readable through the graph).

/**
 * The 11-digit normal form of a mainland mobile number (1[3-9] and 9 more digits), or null. Spaces and dashes
 * are ignored, and a +86 / 0086 / 86 country prefix is dropped, so one person's number always hashes alike.
 */
export function normalizeMobile(raw: string): string | null {
  const compact = raw.replace(/[\s-]/g, '');
  const m = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(compact);
  return m ? m[1]! : null;
}

/** 13812345678 → 138****5678. */
export function maskMobile(mobile: string): string {
  return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
}
