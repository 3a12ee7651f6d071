// The providers' signing rules, cross-checked against an independent implementation (the openssl command line),
// so a mistake cannot hide by being made twice: RSA2 of Alipay and SHA256-RSA of WeChat Pay, and the exact strings
// they sign.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alipayNotifyContent, alipayRequestContent, parseFormBody, signRsa2, verifyRsa2 } from '../src/providers/alipay/signature';
import { decryptResource, signWechatpay, verifyWechatpay, wechatpayMessage } from '../src/providers/wechatpay/signature';
import { beijingTimeToIso, yuanToFen } from '../src/domain/provider-amounts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'channels-sig-'));
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
fs.writeFileSync(path.join(dir, 'private.pem'), privatePem);
fs.writeFileSync(path.join(dir, 'public.pem'), publicPem);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** openssl's SHA256withRSA signature of the bytes, base64. */
function opensslSign(data: Buffer): string {
  fs.writeFileSync(path.join(dir, 'data'), data);
  return execFileSync('openssl', ['dgst', '-sha256', '-sign', path.join(dir, 'private.pem'), path.join(dir, 'data')]).toString('base64');
}

/** Whether openssl verifies the base64 signature of the bytes. */
function opensslVerifies(data: Buffer, signature: string): boolean {
  fs.writeFileSync(path.join(dir, 'data'), data);
  fs.writeFileSync(path.join(dir, 'sig'), Buffer.from(signature, 'base64'));
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-verify', path.join(dir, 'public.pem'), '-signature', path.join(dir, 'sig'), path.join(dir, 'data')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('Alipay RSA2', () => {
  const params = { sign_type: 'RSA2', sign: 'xx', notify_id: 'n1', total_amount: '88.00', app_id: '2021', body: '', subject: '订单 a&b=c+d', 'Z-upper': 'z' };

  test('the notify content: every parameter but sign and sign_type, empty ones kept, sorted by key (UTF-16 order)', () => {
    expect(alipayNotifyContent(params)).toBe('Z-upper=z&app_id=2021&body=&notify_id=n1&subject=订单 a&b=c+d&total_amount=88.00');
  });

  test('a request content drops empty values and sign, keeps sign_type', () => {
    expect(alipayRequestContent({ app_id: '2021', method: 'alipay.trade.refund', sign_type: 'RSA2', sign: 's', biz_content: '{"a":1}', app_auth_token: '' })).toBe(
      'app_id=2021&biz_content={"a":1}&method=alipay.trade.refund&sign_type=RSA2',
    );
  });

  test('what we sign openssl verifies, and what openssl signs we verify (UTF-8 content)', () => {
    const content = alipayNotifyContent(params);
    expect(opensslVerifies(Buffer.from(content, 'utf8'), signRsa2(content, privatePem))).toBe(true);
    const theirs = opensslSign(Buffer.from(content, 'utf8'));
    expect(verifyRsa2(content, theirs, publicPem)).toBe(true);
    expect(verifyRsa2(content.replace('88.00', '88.01'), theirs, publicPem)).toBe(false);
    expect(verifyRsa2(content, 'not base64 at all', publicPem)).toBe(false);
    expect(verifyRsa2(content, theirs, 'not a key')).toBe(false);
  });

  test('a form body is decoded once: %2B stays +, + is a space, %25 is %; a repeated key or a bad escape is no body', () => {
    expect(parseFormBody(Buffer.from('a=1%2B1&b=x+y&c=100%25&d=&e=%25252B'))).toEqual({ a: '1+1', b: 'x y', c: '100%', d: '', e: '%252B' });
    expect(parseFormBody(Buffer.from('a=1&a=2'))).toBeNull();
    expect(parseFormBody(Buffer.from('a=%E4%B8'))).toBeNull();
  });

  test('amounts and Beijing times', () => {
    expect([yuanToFen('88.00'), yuanToFen('0.5'), yuanToFen('120'), yuanToFen('1.005'), yuanToFen('-1.00'), yuanToFen('1e3')]).toEqual([8800, 50, 12000, null, null, null]);
    expect(beijingTimeToIso('2026-12-01 09:30:04')).toBe('2026-12-01T09:30:04+08:00');
    expect(new Date(beijingTimeToIso('2026-12-01 09:30:04')!).toISOString()).toBe('2026-12-01T01:30:04.000Z');
    expect(beijingTimeToIso('2026-12-01T09:30:04')).toBeNull();
  });
});

describe('WeChat Pay v3', () => {
  test('the message is `timestamp\\nnonce\\nbody\\n` over the raw body bytes', () => {
    const body = Buffer.from([0x7b, 0x0d, 0x0a, 0xe4, 0xb8, 0xad, 0x7d]);
    expect(wechatpayMessage('1700000000', 'abc', body)).toEqual(Buffer.concat([Buffer.from('1700000000\nabc\n'), body, Buffer.from('\n')]));
  });

  test('what we sign openssl verifies, and what openssl signs we verify', () => {
    const message = wechatpayMessage('1700000000', 'n0nce', Buffer.from('{"id":"EV-1","summary":"支付成功"}'));
    expect(opensslVerifies(message, signWechatpay(message, privatePem))).toBe(true);
    const theirs = opensslSign(message);
    expect(verifyWechatpay(message, theirs, publicPem)).toBe(true);
    expect(verifyWechatpay(Buffer.concat([message, Buffer.from(' ')]), theirs, publicPem)).toBe(false);
  });

  test('AEAD_AES_256_GCM: decrypts with the key, nonce and associated data; a changed bit, AAD or key is null', () => {
    const key = crypto.randomBytes(16).toString('hex');
    const nonce = 'a1b2c3d4e5f6';
    const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
    cipher.setAAD(Buffer.from('transaction'));
    const ct = Buffer.concat([cipher.update('{"out_trade_no":"o1"}', 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const resource = { algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: 'transaction', nonce };
    expect(decryptResource(key, resource)).toBe('{"out_trade_no":"o1"}');
    const flipped = Buffer.from(ct);
    flipped[0] = flipped[0]! ^ 0x80;
    expect(decryptResource(key, { ...resource, ciphertext: flipped.toString('base64') })).toBeNull();
    expect(decryptResource(key, { ...resource, associated_data: 'transactio' })).toBeNull();
    expect(decryptResource(crypto.randomBytes(16).toString('hex'), resource)).toBeNull();
    expect(decryptResource(key, { ...resource, algorithm: 'AES_256_CBC' })).toBeNull();
  });
});
