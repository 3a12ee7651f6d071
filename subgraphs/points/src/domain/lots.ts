// How a debit takes points from lots (pure): the lots come in the order they are to be used (FIFO by expiry, or the
// refunded order's own lot first); each is taken as far as it goes.

export interface LotTake {
  lotId: string;
  /** Positive: what is taken from the lot. */
  points: number;
}

/** Takes `points` from the lots in their order; shortfall is what they could not cover. */
export function takeFromLots(lots: readonly { id: string; remaining: number }[], points: number): { takes: LotTake[]; shortfall: number } {
  const takes: LotTake[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take <= 0) continue;
    takes.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { takes, shortfall: left };
}
