import { commandResolvers } from '@retail/platform';
import { acceptPartnerAgreement } from '../commands/accept-partner-agreement';
import { adjustPoints } from '../commands/adjust-points';
import { commitPointsExchange } from '../commands/commit-points-exchange';
import { createPartnerAgreement } from '../commands/create-partner-agreement';
import { earnPoints } from '../commands/earn-points';
import { quotePointsExchange } from '../commands/quote-points-exchange';
import { redeemPoints } from '../commands/redeem-points';
import { reversePointsExchange } from '../commands/reverse-points-exchange';
import { setPartnerAgreementActive } from '../commands/set-partner-agreement-active';

export const Mutation = commandResolvers({
  earnPoints,
  redeemPoints,
  adjustPoints,
  createPartnerAgreement,
  acceptPartnerAgreement,
  setPartnerAgreementActive,
  quotePointsExchange,
  commitPointsExchange,
  reversePointsExchange,
});
