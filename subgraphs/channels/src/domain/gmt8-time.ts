/** China Standard Time, in which TOP and JD read and write every timestamp (docs/channel-order-pulls.md). */
const GMT8_MS = 8 * 3600_000;
const GMT8_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/** An instant as TOP and JD want it: `yyyy-MM-dd HH:mm:ss` in GMT+8, whatever the machine's time zone. */
export function formatGmt8(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(ms)) throw new Error('formatGmt8: invalid date');
  // The UTC fields of the shifted instant are the wall clock in GMT+8; Date's local-time methods are never used.
  const iso = new Date(ms + GMT8_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * A provider's `yyyy-MM-dd HH:mm:ss` (GMT+8, optionally with milliseconds) as ISO 8601 with its offset,
 * e.g. `2026-03-01T10:00:00+08:00`; null when the text is no such time or names no real calendar time.
 */
export function gmt8ToIso(text: string): string | null {
  const m = GMT8_TEXT.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const frac = m[7] ? `.${m[7].padEnd(3, '0')}` : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}+08:00`;
}

/** The instant of a provider's GMT+8 time (ms since the epoch); null when it is not one. */
export function gmt8ToMs(text: string): number | null {
  const iso = gmt8ToIso(text);
  return iso === null ? null : Date.parse(iso);
}
