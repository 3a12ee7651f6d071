import { UserErrorException } from '@retail/platform';

// The rules of merging two members of one brand that are the same person (mergeMembers, docs/events.md
// members.member.merged), without I/O.

/** How many rows of the merged member moved to the survivor (the audit and the idempotent response hold these). */
export interface MergeCounts {
  identities: number;
  /** The merged member's tags; a tag the survivor carried already stays once. */
  tags: number;
  guideAssignments: number;
  purchases: number;
  pointsEarned: number;
}

/** What a merge reads of each member, under its row lock. */
export interface MergeSide {
  id: string;
  brandId: string;
  mergedInto: string | null;
  erasedAt: Date | null;
  homeStoreId: string | null;
  guideId: string | null;
  guideBoundAt: Date | null;
}

/** The survivor's columns after the merge, and whether the merged member's open guide binding is closed. */
export interface MergePlan {
  survivor: { id: string; homeStoreId: string | null; guideId: string | null; guideBoundAt: Date | null };
  /** True when the survivor keeps its own exclusive guide, so the merged member's open binding ends at the merge. */
  survivorKeepsGuide: boolean;
}

/**
 * Whether the two members may be merged: both found in the caller's reach (else NOT_FOUND), of one brand
 * (BRAND_MISMATCH), neither merged already (MEMBER_MERGED) nor erased (INVALID_TRANSITION: a tombstone is nobody to merge).
 */
export function assertMergeable(survivor: MergeSide | undefined, merged: MergeSide | undefined): asserts survivor is MergeSide {
  if (!survivor) throw UserErrorException.notFound('member', ['input', 'survivorId']);
  if (!merged) throw UserErrorException.notFound('member', ['input', 'mergedId']);
  if (survivor.brandId !== merged.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the two members belong to different brands', ['input', 'mergedId']);
  if (survivor.mergedInto !== null) throw UserErrorException.of('MEMBER_MERGED', `member ${survivor.id} was merged into another member`, ['input', 'survivorId']);
  if (merged.mergedInto !== null) throw UserErrorException.of('MEMBER_MERGED', `member ${merged.id} was merged into another member`, ['input', 'mergedId']);
  if (survivor.erasedAt !== null) throw UserErrorException.of('INVALID_TRANSITION', `member ${survivor.id} was erased`, ['input', 'survivorId']);
  if (merged.erasedAt !== null) throw UserErrorException.of('INVALID_TRANSITION', `member ${merged.id} was erased`, ['input', 'mergedId']);
}

/**
 * The survivor keeps its phone, OneID, join source and tier: its tier history stays true, and the next tier
 * evaluation counts both members' spend and points, which are the survivor's now. It keeps its home store, or takes
 * the merged member's when it has none (it joined online), and its exclusive guide, or takes the merged member's
 * current one when it has none.
 */
export function planMerge(survivor: MergeSide, merged: MergeSide): MergePlan {
  const survivorKeepsGuide = survivor.guideId !== null;
  return {
    survivor: {
      id: survivor.id,
      homeStoreId: survivor.homeStoreId ?? merged.homeStoreId,
      guideId: survivorKeepsGuide ? survivor.guideId : merged.guideId,
      guideBoundAt: survivorKeepsGuide ? survivor.guideBoundAt : merged.guideBoundAt,
    },
    survivorKeepsGuide,
  };
}
