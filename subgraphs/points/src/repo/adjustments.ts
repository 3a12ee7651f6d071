import type { Transaction } from '@retail/platform';

/** The audit record of a manual adjustment: who (subject, role, scope) booked which entry and why. */
export interface AdjustmentAudit {
  entryId: string;
  actor: string;
  role: string;
  scope: string;
  reason: string;
  points: number;
}

/** Records an adjustment with its entry, in the same transaction. Unfenced: adjustPoints checked the caller. */
export async function recordAdjustment(tx: Transaction, a: AdjustmentAudit): Promise<void> {
  await tx.query(`INSERT INTO points.adjustment (entry_id, actor, role, scope, reason, points) VALUES ($1, $2, $3, $4, $5, $6)`, [
    a.entryId,
    a.actor,
    a.role,
    a.scope,
    a.reason,
    a.points,
  ]);
}
