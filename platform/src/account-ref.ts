import crypto from 'node:crypto';
import { secretSetting } from './config';

// Keyed references to channel accounts (docs/events.md, "Channel accounts between subgraphs"): a person's account on
// a channel (a Tmall or JD buyer's open id, a WeChat openid, an Alipay user id) crosses subgraphs and is kept by them
// only as HMAC-SHA256(key, [channel, appId, externalId]). The event log keeps every event, so an id that travelled
// in one could never be erased; a ref names nobody without the key and the id, and the services that hold an
// account's ref drop it when its member is erased (members.member.erased carries the erased member's refs).

/** The development default of ACCOUNT_REF_KEY (refused in production). */
export const DEV_ACCOUNT_REF_KEY = 'dev-account-ref-key-change-me';

/**
 * ACCOUNT_REF_KEY, declared by every subgraph that makes refs (members for the accounts it erases, channels for the
 * buyers it pulls): one value for all of them, or refs made by one never match those of another. Changing it
 * leaves the refs stored before unmatched (an erasure would no longer find them).
 */
export function accountRefKeySetting() {
  return secretSetting(DEV_ACCOUNT_REF_KEY);
}

/** An account on a channel as members binds it (channel_identity) and channels sees it (a pulled order's buyer). */
export interface ChannelAccount {
  channel: string;
  /** The app, shop or merchant the id is scoped to (a Tmall shop, a WeChat appid). */
  appId: string;
  externalId: string;
}

/** Makes refs under one ACCOUNT_REF_KEY. */
export class AccountRefs {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), 'account-ref/1', 32));
  }

  /** The account's ref: "acr1-" and the base64url HMAC (the same account, the same ref, in every service). */
  of(account: ChannelAccount): string {
    const mac = crypto.createHmac('sha256', this.key).update(JSON.stringify([account.channel, account.appId, account.externalId]), 'utf8').digest('base64url');
    return `acr1-${mac}`;
  }
}

const made = new Map<string, AccountRefs>();

/** The refs of an ACCOUNT_REF_KEY value, derived once per process. */
export function accountRefs(secret: string): AccountRefs {
  let refs = made.get(secret);
  if (!refs) {
    refs = new AccountRefs(secret);
    made.set(secret, refs);
  }
  return refs;
}
