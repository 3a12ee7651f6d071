import { commandResolvers } from '@retail/platform';
import { bindChannelIdentity } from '../commands/bind-channel-identity';
import { eraseMember } from '../commands/erase-member';
import { mergeMembers } from '../commands/merge-members';
import { registerMember } from '../commands/register-member';
import { createTag } from '../commands/create-tag';
import { evaluateTier } from '../commands/evaluate-tier';
import { setTierRules } from '../commands/set-tier-rules';
import { tagMembers } from '../commands/tag-members';
import { untagMembers } from '../commands/untag-members';
import { assignGuide } from '../commands/assign-guide';
import { inheritGuideCustomers } from '../commands/inherit-guide-customers';

export const Mutation = commandResolvers({ registerMember, assignGuide, inheritGuideCustomers, bindChannelIdentity, mergeMembers, eraseMember, createTag, tagMembers, untagMembers, evaluateTier, setTierRules }, { registerMember: { alreadyMember: false }, assignGuide: { assignedCount: 0 }, inheritGuideCustomers: { movedCount: 0, handovers: [] }, tagMembers: { addedCount: 0 }, untagMembers: { removedCount: 0 }, evaluateTier: { changed: false }, setTierRules: { changedCount: 0 } });
