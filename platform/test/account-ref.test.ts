import { AccountRefs, accountRefs, accountRefKeySetting, DEV_ACCOUNT_REF_KEY, parseConfig } from '../src';

// Keyed refs of channel accounts (docs/events.md, "Channel accounts between subgraphs").

const account = { channel: 'TMALL', appId: 'shop-lng-tmall', externalId: 'AAHtb-open-uid-1' };

test('the same account under one key has one ref, in every process; the ref does not contain the id', () => {
  const ref = accountRefs(DEV_ACCOUNT_REF_KEY).of(account);
  expect(ref).toMatch(/^acr1-[A-Za-z0-9_-]{43}$/);
  expect(new AccountRefs(DEV_ACCOUNT_REF_KEY).of({ ...account })).toBe(ref);
  expect(ref).not.toContain(account.externalId);
});

test('another channel, app, id or key gives another ref; the parts cannot be shifted into one another', () => {
  const refs = accountRefs(DEV_ACCOUNT_REF_KEY);
  const all = [
    refs.of(account),
    refs.of({ ...account, channel: 'JD' }),
    refs.of({ ...account, appId: 'shop-lng-jd' }),
    refs.of({ ...account, externalId: 'AAHtb-open-uid-2' }),
    refs.of({ channel: 'TMALL', appId: 'shop-lng-tmallA', externalId: 'AHtb-open-uid-1' }),
    accountRefs('another-account-ref-key-0123456789').of(account),
  ];
  expect(new Set(all).size).toBe(all.length);
});

test('ACCOUNT_REF_KEY is a secret setting: its development default serves tests, production refuses it', () => {
  const shape = { ACCOUNT_REF_KEY: accountRefKeySetting() };
  expect(parseConfig(shape, {}).ACCOUNT_REF_KEY).toBe(DEV_ACCOUNT_REF_KEY);
  expect(() => parseConfig(shape, { NODE_ENV: 'production', ACCOUNT_REF_KEY: DEV_ACCOUNT_REF_KEY })).toThrow(/ACCOUNT_REF_KEY: a development default is refused/);
});
