/** Normalises a category path ("内衣 / 文胸" → "内衣/文胸"); null when a level is empty. */
export function normaliseCategory(raw: string): string | null {
  const levels = raw.split('/').map((s) => s.trim());
  return levels.every((s) => s.length > 0) ? levels.join('/') : null;
}
