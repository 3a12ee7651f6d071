// The gateway's /channels/* forward: method, path and query, the provider's headers and the raw body bytes reach the
// channels service unchanged, and its answer (status, headers, bytes) comes back as it is.
import crypto from 'node:crypto';
import http from 'node:http';
import { createHttpService, createLogger, listen } from '@retail/platform';
import { ApolloServer } from '@apollo/server';
import { channelForward } from '../src/channel-forward';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let seen: Seen[] = [];
let upstream: http.Server;
let front: http.Server;
let frontUrl: string;
let admitted = 0;
let upstreamUp = true;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(418, { 'content-type': 'text/plain; charset=gbk', 'x-answer': 'as-is' });
      res.end(Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x00, 0xff]));
    });
  });
  const upstreamPort = await listen(upstream, 0, '127.0.0.1');
  const apollo = new ApolloServer({ typeDefs: 'type Query { x: Int }' });
  await apollo.start();
  const forward = channelForward({
    target: () => (upstreamUp ? `http://127.0.0.1:${upstreamPort}/graphql` : 'http://127.0.0.1:1/graphql'),
    timeoutMs: 2000,
    admit: async () => {
      admitted += 1;
      return true;
    },
  });
  front = createHttpService({ service: 'gateway-test', logger: createLogger('test', 'silent'), apollo, context: async () => ({}), routes: { 'POST /channels/*': forward, 'GET /channels/*': forward } });
  frontUrl = `http://127.0.0.1:${await listen(front, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  await new Promise((r) => front.close(r));
  await new Promise((r) => upstream.close(r));
});
beforeEach(() => {
  seen = [];
});

test('the raw body bytes, method, path, query and the provider headers arrive unchanged; the answer comes back as is', async () => {
  // Bytes no text decoding would keep: invalid UTF-8, a NUL, CR LF, and JSON spacing.
  const body = Buffer.concat([Buffer.from('{ "id" :\r\n "EV-1" }'), Buffer.from([0x00, 0xc3, 0x28, 0xff, 0xfe]), crypto.randomBytes(64)]);
  const res = await fetch(`${frontUrl}/channels/wechatpay/chc-1/notify?a=1&b=%2F`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'wechatpay-signature': 'c2lnbmF0dXJl', 'wechatpay-serial': 'ABC', 'wechatpay-timestamp': '1700000000', 'wechatpay-nonce': 'n0', authorization: 'Bearer secret', cookie: 'a=b' },
    body,
  });
  expect(res.status).toBe(418);
  expect(res.headers.get('x-answer')).toBe('as-is');
  expect(res.headers.get('content-type')).toBe('text/plain; charset=gbk');
  expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x00, 0xff]));
  expect(seen).toHaveLength(1);
  const s = seen[0]!;
  expect(s.method).toBe('POST');
  expect(s.url).toBe('/channels/wechatpay/chc-1/notify?a=1&b=%2F');
  expect(s.body.equals(body)).toBe(true);
  expect(s.headers).toMatchObject({ 'content-type': 'application/json', 'wechatpay-signature': 'c2lnbmF0dXJl', 'wechatpay-serial': 'ABC', 'wechatpay-timestamp': '1700000000', 'wechatpay-nonce': 'n0', 'content-length': String(body.length) });
  // The caller's credentials are not the provider's business and never leave the gateway.
  expect(s.headers.authorization).toBeUndefined();
  expect(s.headers.cookie).toBeUndefined();
  expect(s.headers['x-forwarded-for']).toBe('127.0.0.1');
  expect(admitted).toBeGreaterThan(0);
});

test('a form-encoded body keeps its encoding exactly (no decoding, no re-encoding)', async () => {
  const body = 'subject=a%26b%3Dc%2Bd+100%25&sign=ab%2Bcd%2F%3D%3D&empty=';
  await fetch(`${frontUrl}/channels/alipay/chc-2/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
  expect(seen[0]!.body.toString('latin1')).toBe(body);
  expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
});

test('a channels service that cannot be reached is a 503 {"code":"FAIL"}, never a success', async () => {
  upstreamUp = false;
  try {
    const res = await fetch(`${frontUrl}/channels/alipay/chc-2/notify`, { method: 'POST', body: 'x=1' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: 'FAIL', message: 'channels service unavailable' });
  } finally {
    upstreamUp = true;
  }
});
