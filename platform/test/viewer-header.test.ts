import crypto from 'node:crypto';
import { makeViewer } from '../src/auth/viewer';
import { bodyDigest, signViewer, verifyViewerHeader, type SignedRequest } from '../src/auth/viewer-header';

const SECRET = 'viewer-header-test-secret-0123';
const NOW = Date.UTC(2024, 10, 11, 12, 0, 0);
const franchisee = makeViewer({ role: 'FRANCHISEE', brandId: 'b1', franchiseeId: 'f1', scopes: ['orders:read'] });
const BODY = JSON.stringify({ query: 'query($id: ID!) { store(id: $id) { name } }', variables: { id: 'store-1' } });
/** The request every header below is made for (as the gateway sends it). */
const REQ: SignedRequest = { method: 'POST', path: '/graphql', body: BODY };

/** A header signed correctly over an arbitrary payload, to reach the checks behind the signature. */
function signRaw(payloadJson: string, secret: string, nowMs: number): string {
  const payload = Buffer.from(payloadJson).toString('base64url');
  const ts = Math.floor(nowMs / 1000).toString();
  const canonical = ['x-viewer/2', payload, ts, REQ.method, REQ.path, bodyDigest(REQ.body)].join('\n');
  const sig = crypto.createHmac('sha256', secret).update(canonical).digest('base64url');
  return `${payload}.${ts}.${sig}`;
}

describe('viewer header', () => {
  it('verifies what it signed and returns the viewer', () => {
    const header = signViewer(franchisee, SECRET, REQ, NOW);
    expect(verifyViewerHeader(header, SECRET, 60, REQ, NOW)).toEqual({ ok: true, viewer: franchisee });
  });

  it('accepts a header exactly maxAge old', () => {
    const header = signViewer(franchisee, SECRET, REQ, NOW - 60_000);
    expect(verifyViewerHeader(header, SECRET, 60, REQ, NOW).ok).toBe(true);
  });

  it('refuses a missing header', () => {
    expect(verifyViewerHeader(undefined, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyViewerHeader('', SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a payload swapped for a more powerful viewer', () => {
    const [, ts, sig] = signViewer(franchisee, SECRET, REQ, NOW).split('.');
    const admin = Buffer.from(JSON.stringify(makeViewer({ role: 'PLATFORM_ADMIN' }))).toString('base64url');
    expect(verifyViewerHeader(`${admin}.${ts}.${sig}`, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a moved timestamp (the signature covers it)', () => {
    const [payload, ts, sig] = signViewer(franchisee, SECRET, REQ, NOW - 600_000).split('.');
    const fresh = String(Number(ts) + 600);
    expect(verifyViewerHeader(`${payload}.${fresh}.${sig}`, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a tampered signature', () => {
    const header = signViewer(franchisee, SECRET, REQ, NOW);
    const last = header.slice(-1);
    const tampered = `${header.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    expect(verifyViewerHeader(tampered, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyViewerHeader(`${header}A`, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a header signed with another secret', () => {
    const header = signViewer(franchisee, 'some-other-secret-0123456789', REQ, NOW);
    expect(verifyViewerHeader(header, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a replay older than the max age', () => {
    const header = signViewer(franchisee, SECRET, REQ, NOW - 61_000);
    expect(verifyViewerHeader(header, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyViewerHeader(header, SECRET, 120, REQ, NOW).ok).toBe(true);
  });

  it('tolerates 5 s of clock skew ahead and no more', () => {
    expect(verifyViewerHeader(signViewer(franchisee, SECRET, REQ, NOW + 5_000), SECRET, 60, REQ, NOW).ok).toBe(true);
    expect(verifyViewerHeader(signViewer(franchisee, SECRET, REQ, NOW + 6_000), SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyViewerHeader(signViewer(franchisee, SECRET, REQ, NOW + 3600_000), SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['one part', 'abc'],
    ['two parts', 'abc.123'],
    ['four parts', 'a.1.b.c'],
    ['a non-numeric timestamp', 'abc.12x.sig'],
    ['a negative timestamp', 'abc.-1.sig'],
  ])('refuses %s as malformed', (_label, value) => {
    expect(verifyViewerHeader(value, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  describe('binds the signature to the request', () => {
    const header = signViewer(franchisee, SECRET, REQ, NOW);

    it('accepts the very request it was made for, the method in any case', () => {
      expect(verifyViewerHeader(header, SECRET, 60, { ...REQ, body: Buffer.from(BODY, 'utf8') }, NOW).ok).toBe(true);
      expect(verifyViewerHeader(header, SECRET, 60, { ...REQ, method: 'post' }, NOW).ok).toBe(true);
    });

    it.each<[string, Partial<SignedRequest>]>([
      ['another operation', { body: JSON.stringify({ query: '{ stores { totalCount } }', variables: {} }) }],
      ['other variables', { body: BODY.replace('store-1', 'store-2') }],
      ['the same JSON in other bytes', { body: BODY.replace('"variables":', '"variables": ') }],
      ['a body with a byte more', { body: `${BODY}\n` }],
      ['no body', { body: '' }],
      ['another path', { path: '/admin/graphql' }],
      ['a query string', { path: '/graphql?query=%7B__typename%7D' }],
      ['another method', { method: 'GET' }],
    ])('refuses it for %s', (_label, change) => {
      expect(verifyViewerHeader(header, SECRET, 60, { ...REQ, ...change }, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('refuses a signature of the old form (viewer and time only)', () => {
      const [payload, ts] = header.split('.') as [string, string];
      const old = crypto.createHmac('sha256', SECRET).update(`${payload}.${ts}`).digest('base64url');
      expect(verifyViewerHeader(`${payload}.${ts}.${old}`, SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it('digests the body bytes: a string and its UTF-8 bytes are one body', () => {
      const text = JSON.stringify({ query: '{ stores(filter: { city: "上海市" }) { totalCount } }' });
      expect(bodyDigest(text)).toBe(bodyDigest(Buffer.from(text, 'utf8')));
      expect(bodyDigest(text)).toBe(crypto.createHash('sha256').update(Buffer.from(text, 'utf8')).digest('base64url'));
      expect(bodyDigest(text)).not.toBe(bodyDigest(Buffer.from(text, 'latin1')));
    });
  });

  it('refuses a correctly signed payload that is not a viewer', () => {
    expect(verifyViewerHeader(signRaw('{"role":"KING"}', SECRET, NOW), SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyViewerHeader(signRaw('not json', SECRET, NOW), SECRET, 60, REQ, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
