import { commandResolvers } from '@retail/platform';
import { registerMember } from '../commands/register-member';

// The contract's other mutations (bindChannelIdentity, mergeMembers, assignGuide, inheritGuideCustomers, createTag,
// tagMembers, untagMembers, evaluateTier) come with later slices; they have no resolver yet.
export const Mutation = commandResolvers({ registerMember }, { registerMember: { alreadyMember: false } });
