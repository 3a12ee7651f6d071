/** A yuan amount as the providers write it ("88.00", "0.5") in fen; null when it is not one. */
export function yuanToFen(text: string): number | null {
  const m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** Alipay's `yyyy-MM-dd HH:mm:ss` (Beijing time, GMT+8) as ISO 8601 with its offset; null when it is not one. */
export function beijingTimeToIso(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text);
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
