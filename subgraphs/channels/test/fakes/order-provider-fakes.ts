import crypto from 'node:crypto';
import { startFakeServer, type FakeServer } from './fake-http';

// Fake TOP (Tmall/Taobao) and JD order APIs: real HTTP servers that check a request the way the providers do
// (app key, signature with the app secret, session / access_token, timestamp within the allowed skew in GMT+8) and
// answer the order search by modification window, paged, with order ids beyond 2^53 written as bare JSON numbers.
// The signature check here is written independently of src/providers/*/sign.ts, so a round trip tests both.

/** What the fakes can be told to answer instead, in order, before answering normally again. */
export type InjectedFault = 'HTTP_500' | 'HTTP_503' | 'RATE_LIMIT' | 'INVALID_SESSION' | 'DROP';

export interface FakeTrade {
  /** Kept as text; written to the answer as a bare JSON number. */
  tid: string;
  status: string;
  /** GMT+8 `yyyy-MM-dd HH:mm:ss`. */
  created: string;
  payTime: string | null;
  modified: string;
  payment: string;
  buyerOpenUid: string;
  lines: { skuId: string; outerSkuId: string | null; title: string; price: string; num: number }[];
}

export interface OrderProviderFake {
  url: string;
  server: FakeServer;
  trades: FakeTrade[];
  faults: InjectedFault[];
  /** Milliseconds each answer waits (to hold a pull open). */
  delayMs: number;
  /** Every call as received: its parameters, whether its signature was valid, and when (ms). */
  calls: { params: Record<string, string>; business: Record<string, unknown>; signatureValid: boolean; at: number }[];
  close(): Promise<void>;
}

/** The signature as TOP / JD compute it, written out plainly (an independent implementation for the round trips). */
export function oracleSign(params: Record<string, string>, secret: string, method: 'md5' | 'hmac-sha256'): string {
  let joined = '';
  const names = Object.keys(params).filter((n) => n !== 'sign' && params[n] !== undefined && params[n] !== '');
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const n of names) joined = joined + n + params[n];
  if (method === 'md5') return crypto.createHash('md5').update(Buffer.from(secret + joined + secret, 'utf8')).digest('hex').toUpperCase();
  return crypto.createHmac('sha256', secret).update(Buffer.from(joined, 'utf8')).digest('hex').toUpperCase();
}

/** A GMT+8 wall-clock text as epoch ms (written apart from src/domain/gmt8-time.ts). */
function gmt8(text: string): number {
  const [d, t] = text.split(' ');
  return Date.parse(`${d}T${t}+08:00`);
}

const RAW = /"__raw__(-?\d+)__"/g;
/** JSON with the marked strings written as bare numbers (as the providers write ids). */
function rawJson(value: unknown): string {
  return JSON.stringify(value).replace(RAW, '$1');
}
const bare = (digits: string) => `__raw__${digits}__`;

function formParams(body: string, url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const [k, v] of new URLSearchParams(query)) out[k] = v;
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

function page<T>(items: T[], pageNo: number, pageSize: number): T[] {
  return items.slice((pageNo - 1) * pageSize, pageNo * pageSize);
}

function inWindow(trades: FakeTrade[], start: string, end: string): FakeTrade[] {
  const s = gmt8(start);
  const e = gmt8(end);
  // Newest modification first, as both providers sort.
  return trades.filter((t) => gmt8(t.modified) >= s && gmt8(t.modified) <= e).sort((a, b) => gmt8(b.modified) - gmt8(a.modified) || (a.tid < b.tid ? -1 : 1));
}

const SKEW_MS = 10 * 60_000;

export async function startTopFake(opts: { appKey: string; appSecret: string; session: string }): Promise<OrderProviderFake> {
  const fake = { trades: [], faults: [], calls: [], delayMs: 0 } as unknown as OrderProviderFake;
  const error = (code: number, msg: string, sub?: string) => ({ status: 200, body: JSON.stringify({ error_response: { code, msg, ...(sub ? { sub_code: sub } : {}), request_id: crypto.randomUUID() } }) });
  const server = await startFakeServer(async (req) => {
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
    const params = formParams(req.body, req.url);
    const method = params.sign_method === 'hmac-sha256' ? 'hmac-sha256' : 'md5';
    const signatureValid = typeof params.sign === 'string' && params.sign === oracleSign(params, opts.appSecret, method);
    fake.calls.push({ params, business: {}, signatureValid, at: Date.now() });
    const fault = fake.faults.shift();
    if (fault === 'HTTP_500' || fault === 'HTTP_503') return { status: Number(fault.slice(5)), body: 'upstream failure' };
    if (fault === 'RATE_LIMIT') return error(7, 'App Call Limited', 'accesscontrol.limited-by-app-access-count');
    if (fault === 'INVALID_SESSION' ) return error(27, 'Invalid session', 'invalid-sessionkey');
    if (!req.url.startsWith('/router/rest')) return { status: 404, body: 'not found' };
    if (params.app_key !== opts.appKey) return error(29, 'Invalid app Key');
    if (params.sign_method !== 'md5' && params.sign_method !== 'hmac-sha256') return error(32, 'Invalid sign method');
    if (!signatureValid) return error(25, 'Invalid signature');
    if (!params.timestamp || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp) || Math.abs(gmt8(params.timestamp) - Date.now()) > SKEW_MS) return error(31, 'Invalid timestamp');
    if (params.session !== opts.session) return error(27, 'Invalid session', 'invalid-sessionkey');
    if (params.method !== 'taobao.trades.sold.increment.get') return error(22, 'Invalid method');
    if (params.v !== '2.0' || params.format !== 'json') return error(40, 'Missing required arguments');
    const start = params.start_modified ?? '';
    const end = params.end_modified ?? '';
    if (!start || !end || gmt8(end) - gmt8(start) > 24 * 3600_000 || gmt8(end) < gmt8(start)) return error(15, 'Remote service error', 'isv.invalid-parameter:start_modified');
    const pageNo = Number(params.page_no ?? 1);
    const pageSize = Number(params.page_size ?? 40);
    const all = inWindow(fake.trades, start, end);
    const trades = page(all, pageNo, pageSize).map((t) => ({
      tid: bare(t.tid),
      status: t.status,
      created: t.created,
      ...(t.payTime ? { pay_time: t.payTime } : {}),
      modified: t.modified,
      payment: t.payment,
      buyer_open_uid: t.buyerOpenUid,
      orders: {
        order: t.lines.map((l, i) => ({ oid: bare(`${t.tid.slice(0, -1)}${i + 1}`), num_iid: bare('600000000001'), sku_id: l.skuId, ...(l.outerSkuId ? { outer_sku_id: l.outerSkuId } : {}), title: l.title, price: l.price, num: l.num })),
      },
    }));
    const response: Record<string, unknown> = { trades: { trade: trades } };
    if (params.use_has_next === 'true') response.has_next = pageNo * pageSize < all.length;
    else response.total_results = all.length;
    return { status: 200, body: rawJson({ trades_sold_increment_get_response: response }) };
  });
  return Object.assign(fake, { url: server.url, server, close: () => server.close() });
}

export async function startJdFake(opts: { appKey: string; appSecret: string; accessToken: string }): Promise<OrderProviderFake> {
  const fake = { trades: [], faults: [], calls: [], delayMs: 0 } as unknown as OrderProviderFake;
  const error = (code: string, en: string) => ({ status: 200, body: JSON.stringify({ error_response: { code, zh_desc: en, en_desc: en } }) });
  const server = await startFakeServer(async (req) => {
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
    const params = formParams(req.body, req.url);
    const signatureValid = typeof params.sign === 'string' && params.sign === oracleSign(params, opts.appSecret, 'md5');
    let business: Record<string, unknown> = {};
    try {
      business = JSON.parse(params['360buy_param_json'] ?? '{}') as Record<string, unknown>;
    } catch {
      business = {};
    }
    fake.calls.push({ params, business, signatureValid, at: Date.now() });
    const fault = fake.faults.shift();
    if (fault === 'HTTP_500' || fault === 'HTTP_503') return { status: Number(fault.slice(5)), body: 'upstream failure' };
    if (fault === 'RATE_LIMIT') return error('2', 'App Call Limited');
    if (fault === 'INVALID_SESSION') return error('19', 'Invalid access_token');
    if (!req.url.startsWith('/routerjson')) return { status: 404, body: 'not found' };
    if (params.app_key !== opts.appKey) return error('18', 'Invalid app key');
    if (!signatureValid) return error('12', 'Invalid Signature');
    if (!params.timestamp || Math.abs(gmt8(params.timestamp) - Date.now()) > 6 * 60_000) return error('8', 'Invalid Timestamp');
    if (params.access_token !== opts.accessToken) return error('19', 'Invalid access_token');
    if (params.method !== 'jingdong.pop.order.search' || params.v !== '2.0') return error('15', 'Invalid Method');
    const start = String(business.start_date ?? '');
    const end = String(business.end_date ?? '');
    const pageNo = Number(business.page ?? 1);
    const pageSize = Number(business.page_size ?? 20);
    const all = inWindow(fake.trades, start, end);
    const orderInfoList = page(all, pageNo, pageSize).map((t) => ({
      orderId: bare(t.tid),
      venderId: '10086',
      orderState: t.status,
      orderPayment: t.payment,
      orderStartTime: t.created,
      paymentConfirmTime: t.payTime ?? '',
      modified: t.modified,
      open_id_buyer: t.buyerOpenUid,
      itemInfoList: t.lines.map((l) => ({ skuId: l.skuId, ...(l.outerSkuId ? { outerSkuId: l.outerSkuId } : {}), skuName: l.title, jdPrice: l.price, itemTotal: String(l.num) })),
    }));
    return {
      status: 200,
      body: rawJson({ jingdong_pop_order_search_responce: { code: '0', searchorderinfo_result: { apiResult: { success: true, code: '0' }, orderInfoList, orderTotal: all.length } } }),
    };
  });
  return Object.assign(fake, { url: server.url, server, close: () => server.close() });
}
