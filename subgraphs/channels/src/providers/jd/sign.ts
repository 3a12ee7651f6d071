import crypto from 'node:crypto';

/**
 * The `sign` of a JD open platform (JOS) request: upper-case hex of md5(appSecret + base + appSecret), where base is
 * every parameter but `sign` — the system ones and `360buy_param_json`, the business parameters as one JSON string —
 * sorted by name, each name followed by its value; empty values are left out (docs/channel-order-pulls.md).
 */
export function jdSign(params: Readonly<Record<string, string | undefined | null>>, appSecret: string): string {
  const base = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== '' && params[k] != null && params[k] !== '')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return crypto.createHash('md5').update(`${appSecret}${base}${appSecret}`, 'utf8').digest('hex').toUpperCase();
}

/** Whether `params.sign` signs the other parameters (constant time). */
export function verifyJdSign(params: Readonly<Record<string, string | undefined | null>>, appSecret: string): boolean {
  const given = params.sign;
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(jdSign(params, appSecret), 'utf8');
  const actual = Buffer.from(given.toUpperCase(), 'utf8');
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
