import type { InputCheck } from '@retail/platform';
import type { ChannelIdentity, IdentityChannel } from '../model';
import { normalizeMobile } from './phone';

type Field = readonly string[];

/** A channel account as a mutation's input gives it (ChannelIdentityInput). */
export interface ChannelIdentityInput {
  channel: IdentityChannel;
  appId: string;
  externalId: string;
  unionId?: string | null;
}

/** An id a channel gave (appid, openid, user id, card number): 1 to `max` characters, no white space. */
function channelId(check: InputCheck, value: string, field: Field, max: number): string {
  check.require(/^\S+$/u.test(value) && [...value].length <= max, field, `must be 1 to ${max} characters without white space`);
  return value;
}

/** A channel account, checked: ids as the channel gave them; a unionId only on WECHAT (it is WeChat's). */
export function channelIdentity(check: InputCheck, input: ChannelIdentityInput, field: Field): ChannelIdentity {
  const appId = channelId(check, input.appId, [...field, 'appId'], 64);
  const externalId = channelId(check, input.externalId, [...field, 'externalId'], 128);
  let unionId: string | null = null;
  if (input.unionId != null) {
    unionId = channelId(check, input.unionId, [...field, 'unionId'], 128);
    check.require(input.channel === 'WECHAT', [...field, 'unionId'], 'only a WECHAT account has a unionId');
  }
  return { channel: input.channel, appId, externalId, unionId };
}

/** A mainland mobile number in its normal form (domain/phone.ts). */
export function mobileNumber(check: InputCheck, raw: string, field: Field): string {
  const mobile = normalizeMobile(raw);
  check.require(mobile !== null, field, 'must be a mainland China mobile number (11 digits, 1[3-9]…)');
  return mobile ?? '';
}
