import crypto from 'node:crypto';
import { startFakeServer, type FakeAnswer, type FakeRequest, type FakeServer } from './fake-http';

// A fake WeCom server API: gettoken checks corpid and corpsecret and issues a token valid for `expiresIn` seconds;
// every other call checks its access_token (40014 unknown, 42001 expired). transfer_customer and
// resigned/transfer_customer take at most 100 external_userid (else 40058) and answer each customer's errcode;
// transfer_result and resigned/transfer_result page the customers' statuses by cursor.

interface Token {
  value: string;
  expiresAt: number;
}

export interface WecomTransferAtFake {
  handover: string;
  takeover: string;
  resigned: boolean;
  /** 1 接替完毕, 2 等待接替, 3 客户拒绝, 4 接替成员客户达到上限. */
  status: number;
}

export interface WecomFake extends FakeServer {
  corpId: string;
  secret: string;
  expiresIn: number;
  tokensIssued: number;
  /** Calls per API path (without the token). */
  calls: Map<string, number>;
  /** Sizes of the external_userid lists of the transfer calls. */
  batchSizes: number[];
  /** The transfers WeCom knows, by external_userid. */
  transfers: Map<string, WecomTransferAtFake>;
  /** Per-customer errcodes to answer instead of 0, by external_userid (kept until removed). */
  customerErrcodes: Map<string, number>;
  /** Whole-call failures to give next: an errcode (e.g. -1 busy) or 'http500'. */
  failNext: Array<number | 'http500'>;
  /** Ends every token issued so far (the next call with one gets 42001). */
  expireTokens(): void;
  /** Sets what transfer_result answers for customers (1..4). */
  settle(externalUserIds: readonly string[], status: number): void;
  /** Customers per transfer_result page. */
  pageSize: number;
}

export async function startWecomFake(corpId = 'wwcorp0001', secret = 'wecom-app-secret'): Promise<WecomFake> {
  const tokens = new Map<string, Token>();
  const json = (body: unknown): FakeAnswer => ({ status: 200, body: JSON.stringify(body) });

  const handle = (req: FakeRequest): FakeAnswer => {
    const url = new URL(req.url, 'http://fake');
    const path = url.pathname;
    fake.calls.set(path, (fake.calls.get(path) ?? 0) + 1);
    if (path === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpid') !== corpId) return json({ errcode: 40013, errmsg: 'invalid corpid' });
      if (url.searchParams.get('corpsecret') !== secret) return json({ errcode: 40001, errmsg: 'invalid credential' });
      const value = crypto.randomBytes(24).toString('base64url');
      tokens.set(value, { value, expiresAt: Date.now() + fake.expiresIn * 1000 });
      fake.tokensIssued++;
      return json({ errcode: 0, errmsg: 'ok', access_token: value, expires_in: fake.expiresIn });
    }
    const token = tokens.get(url.searchParams.get('access_token') ?? '');
    if (!token) return json({ errcode: 40014, errmsg: 'invalid access_token' });
    if (token.expiresAt <= Date.now()) return json({ errcode: 42001, errmsg: 'access_token expired' });
    const failure = fake.failNext.shift();
    if (failure === 'http500') return { status: 500, body: 'busy' };
    if (typeof failure === 'number') return json({ errcode: failure, errmsg: 'system busy' });
    if (req.method !== 'POST') return json({ errcode: 60011, errmsg: 'no privilege' });
    const body = JSON.parse(req.body) as { handover_userid?: string; takeover_userid?: string; external_userid?: string[]; cursor?: string };
    const resigned = path.startsWith('/cgi-bin/externalcontact/resigned/');
    if (path === '/cgi-bin/externalcontact/transfer_customer' || path === '/cgi-bin/externalcontact/resigned/transfer_customer') {
      const ids = body.external_userid ?? [];
      if (!body.handover_userid || !body.takeover_userid) return json({ errcode: 40003, errmsg: 'invalid userid' });
      if (ids.length === 0 || ids.length > 100) return json({ errcode: 40058, errmsg: 'external_userid size must be 1 to 100' });
      fake.batchSizes.push(ids.length);
      const customer = ids.map((id) => {
        const errcode = fake.customerErrcodes.get(id) ?? 0;
        if (errcode === 0) fake.transfers.set(id, { handover: body.handover_userid!, takeover: body.takeover_userid!, resigned, status: 2 });
        return { external_userid: id, errcode };
      });
      return json({ errcode: 0, errmsg: 'ok', customer });
    }
    if (path === '/cgi-bin/externalcontact/transfer_result' || path === '/cgi-bin/externalcontact/resigned/transfer_result') {
      const all = [...fake.transfers.entries()].filter(([, t]) => t.handover === body.handover_userid && t.takeover === body.takeover_userid && t.resigned === resigned).sort(([a], [b]) => (a < b ? -1 : 1));
      const start = body.cursor ? Number(body.cursor) : 0;
      const page = all.slice(start, start + fake.pageSize);
      const next = start + fake.pageSize < all.length ? String(start + fake.pageSize) : '';
      return json({ errcode: 0, errmsg: 'ok', customer: page.map(([id, t]) => ({ external_userid: id, status: t.status, takeover_time: t.status === 1 ? 1767232800 : 0 })), next_cursor: next });
    }
    return json({ errcode: 48002, errmsg: 'api forbidden' });
  };

  const server = await startFakeServer(handle);
  const fake: WecomFake = {
    ...server,
    corpId,
    secret,
    expiresIn: 7200,
    tokensIssued: 0,
    calls: new Map(),
    batchSizes: [],
    transfers: new Map(),
    customerErrcodes: new Map(),
    failNext: [],
    pageSize: 50,
    expireTokens() {
      for (const t of tokens.values()) t.expiresAt = 0;
    },
    settle(ids, status) {
      for (const id of ids) {
        const t = fake.transfers.get(id);
        if (t) t.status = status;
      }
    },
  };
  return fake;
}
