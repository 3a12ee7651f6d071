import { execFileSync } from 'node:child_process';
import { backoffDelay, withBackoff } from '../src/domain/backoff';
import { channelOrderId, uuidV5 } from '../src/domain/channel-order-id';
import { formatGmt8, gmt8ToIso } from '../src/domain/gmt8-time';
import { JsonSyntaxError, parseLosslessJson } from '../src/domain/lossless-json';
import { jdSign, verifyJdSign } from '../src/providers/jd/sign';
import { readJdOrder } from '../src/providers/jd/orders';
import { yuanToFen } from '../src/providers/pulled-order';
import { ProviderCallError } from '../src/providers/provider-error';
import { topSign, topSignBase, verifyTopSign } from '../src/providers/top/sign';
import { readTopTrade } from '../src/providers/top/trades';
import { oracleSign } from './fakes/order-provider-fakes';

/** openssl as a third, independent implementation of the digests. */
const openssl = (args: string[], input: string) =>
  execFileSync('openssl', ['dgst', ...args], { input: Buffer.from(input, 'utf8') }).toString('utf8').trim().split('= ').pop()!.toUpperCase();

// TOP's documented example (open.taobao.com, "签名算法"): secret helloworld.
const DOC_PARAMS = {
  method: 'taobao.item.seller.get',
  app_key: '12345678',
  session: 'test',
  timestamp: '2016-01-01 12:00:00',
  format: 'json',
  v: '2.0',
  sign_method: 'md5',
  fields: 'num_iid,title,nick,price,num',
  num_iid: '11223344',
};

describe('TOP signing', () => {
  it('reproduces the documented md5 vector', () => {
    expect(topSignBase(DOC_PARAMS)).toBe('app_key12345678fieldsnum_iid,title,nick,price,numformatjsonmethodtaobao.item.seller.getnum_iid11223344sessiontestsign_methodmd5timestamp2016-01-01 12:00:00v2.0');
    expect(topSign(DOC_PARAMS, 'helloworld', 'md5')).toBe('66987CB115214E59E6EC978214934FB8');
    expect(verifyTopSign({ ...DOC_PARAMS, sign: '66987CB115214E59E6EC978214934FB8' }, 'helloworld')).toBe(true);
    expect(verifyTopSign({ ...DOC_PARAMS, num_iid: '11223345', sign: '66987CB115214E59E6EC978214934FB8' }, 'helloworld')).toBe(false);
  });

  it('leaves out sign and empty values, and sorts by name', () => {
    const withExtras = { ...DOC_PARAMS, sign: 'X', partner_id: '', simplify: undefined };
    expect(topSign(withExtras, 'helloworld', 'md5')).toBe('66987CB115214E59E6EC978214934FB8');
    expect(topSignBase({ b: '2', a: '1', B: '3' })).toBe('B3a1b2');
  });

  it('hmac-sha256 is HMAC over the concatenation keyed by the secret, upper hex; it matches openssl and the oracle', () => {
    const params = { ...DOC_PARAMS, sign_method: 'hmac-sha256', title: '新款 连衣裙 & "quotes"' };
    const sign = topSign(params, 'helloworld', 'hmac-sha256');
    expect(sign).toMatch(/^[0-9A-F]{64}$/);
    expect(sign).toBe(openssl(['-sha256', '-hmac', 'helloworld'], topSignBase(params)));
    expect(sign).toBe(oracleSign(params, 'helloworld', 'hmac-sha256'));
    expect(verifyTopSign({ ...params, sign }, 'helloworld')).toBe(true);
    expect(verifyTopSign({ ...params, sign }, 'helloworlD')).toBe(false);
  });

  it('md5 round trips against openssl and the oracle on random parameters', () => {
    for (let i = 0; i < 20; i++) {
      const params: Record<string, string> = { method: 'taobao.trades.sold.increment.get', app_key: String(10_000_000 + i), timestamp: formatGmt8(Date.now() + i * 1000) };
      params[`k${(i * 7919) % 97}`] = `值-${i}-${'x'.repeat(i)}`;
      const secret = `s${i}ecret`;
      expect(topSign(params, secret, 'md5')).toBe(oracleSign(params, secret, 'md5'));
      expect(topSign(params, secret, 'md5')).toBe(openssl(['-md5'], `${secret}${topSignBase(params)}${secret}`));
      expect(topSign(params, secret, 'hmac-sha256')).toBe(oracleSign(params, secret, 'hmac-sha256'));
    }
  });
});

describe('JD signing', () => {
  const params = {
    method: 'jingdong.pop.order.search',
    app_key: 'JDAPPKEY01',
    access_token: 'tok-123',
    timestamp: '2026-03-01 10:00:00',
    v: '2.0',
    '360buy_param_json': '{"start_date":"2026-03-01 00:00:00","end_date":"2026-03-01 10:00:00","page":"1","page_size":"100"}',
  };
  it('is md5(appSecret + sorted name+value + appSecret), 360buy_param_json included, upper hex', () => {
    const base = '360buy_param_json' + params['360buy_param_json'] + 'access_tokentok-123app_keyJDAPPKEY01methodjingdong.pop.order.searchtimestamp2026-03-01 10:00:00v2.0';
    const sign = jdSign(params, 'jdsecret');
    expect(sign).toBe(openssl(['-md5'], `jdsecret${base}jdsecret`));
    expect(sign).toBe(oracleSign(params, 'jdsecret', 'md5'));
    expect(verifyJdSign({ ...params, sign }, 'jdsecret')).toBe(true);
    expect(verifyJdSign({ ...params, v: '2.1', sign }, 'jdsecret')).toBe(false);
    expect(jdSign({ ...params, sign: 'whatever', format: '' }, 'jdsecret')).toBe(sign);
  });
});

describe('GMT+8 timestamps', () => {
  const tz = process.env.TZ;
  afterAll(() => {
    process.env.TZ = tz;
  });
  it.each(['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'])('are the same in time zone %s', (zone) => {
    process.env.TZ = zone;
    expect(formatGmt8(new Date('2016-01-01T04:00:00Z'))).toBe('2016-01-01 12:00:00');
    expect(formatGmt8(Date.parse('2026-12-31T16:30:05.999Z'))).toBe('2027-01-01 00:30:05');
    expect(gmt8ToIso('2027-01-01 00:30:05')).toBe('2027-01-01T00:30:05+08:00');
    expect(Date.parse(gmt8ToIso('2027-01-01 00:30:05')!)).toBe(Date.parse('2026-12-31T16:30:05Z'));
  });
  it('refuses what is not a GMT+8 wall-clock time', () => {
    expect(gmt8ToIso('2026-02-30 10:00:00')).toBeNull();
    expect(gmt8ToIso('2026-03-01T10:00:00')).toBeNull();
    expect(gmt8ToIso('2026-03-01 24:00:00')).toBeNull();
    expect(gmt8ToIso('')).toBeNull();
    expect(gmt8ToIso('2026-03-01 10:00:00.5')).toBe('2026-03-01T10:00:00.500+08:00');
  });
});

describe('JSON without losing digits', () => {
  it('keeps integers beyond 2^53 as their exact text, where JSON.parse loses them', () => {
    const body = '{"tid":4398046511104123456,"n":42,"neg":-9007199254740993,"max":9007199254740991}';
    expect(String((JSON.parse(body) as { tid: number }).tid)).toBe('4398046511104123400');
    expect(parseLosslessJson(body)).toEqual({ tid: '4398046511104123456', n: 42, neg: '-9007199254740993', max: 9007199254740991 });
  });

  it('reads nested arrays and objects, escapes and unicode', () => {
    const body = ` { "a" : [ 1, [ 2, [ 4398046511104123456 ] ], { "b": null, "c": true, "d": false } ],
      "s": "q\\"uote \\\\ back\\/slash \\n\\t \\u4e2d\\u6587 \\ud83d\\ude00 汉字",
      "e": [], "o": {}, "f": 258.00, "x": 1e3, "z": -0.5, "__proto__": { "polluted": 1 } } `;
    const v = parseLosslessJson(body) as Record<string, unknown>;
    expect(v.a).toEqual([1, [2, ['4398046511104123456']], { b: null, c: true, d: false }]);
    expect(v.s).toBe('q"uote \\ back/slash \n\t 中文 😀 汉字');
    expect(v.e).toEqual([]);
    expect(v.o).toEqual({});
    expect(v.f).toBe('258.00');
    expect(v.x).toBe('1e3');
    expect(v.z).toBe('-0.5');
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(v['__proto__']).toEqual({ polluted: 1 });
    // Same structure as JSON.parse wherever JSON.parse is exact.
    const exact = '{"k":[1,2,{"x":"y\\u0041"}],"t":"\\r"}';
    expect(parseLosslessJson(exact)).toEqual(JSON.parse(exact));
  });

  it.each(['', '{', '{"a":1,}', '[1 2]', '01', '1.', '"\\x"', '"a', '"\u0001"', 'tru', '{"a":1} x', '-', '{a:1}', '[' .repeat(300)])('refuses %j', (bad) => {
    expect(() => parseLosslessJson(bad)).toThrow(JsonSyntaxError);
  });
});

describe('amounts and provider records', () => {
  it('reads yuan as fen without floating point', () => {
    expect(yuanToFen('258.00')).toBe(25800);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('1234567.89')).toBe(123456789);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen(12)).toBe(1200);
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('-1.00')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });

  it('maps a TOP trade: status, amounts, GMT+8 times, big tid kept', () => {
    const trade = parseLosslessJson(
      '{"tid":4398046511104123456,"status":"TRADE_CLOSED","created":"2026-03-01 10:00:00","pay_time":"2026-03-01 10:01:00","modified":"2026-03-02 09:00:00","payment":"258.00","buyer_open_uid":"AAF-open","orders":{"order":[{"oid":4398046511104123457,"sku_id":"5001","outer_sku_id":"sku-lng-1","title":"T","price":"129.00","num":2}]}}',
    );
    expect(readTopTrade(trade)).toEqual({
      externalOrderId: '4398046511104123456',
      externalStatus: 'TRADE_CLOSED',
      status: 'REFUNDED',
      buyerExternalId: 'AAF-open',
      lines: [{ externalSkuId: 'sku-lng-1', title: 'T', quantity: 2, unitPriceFen: 12900 }],
      totalFen: 25800,
      paidFen: 25800,
      placedAt: '2026-03-01T10:00:00+08:00',
      paidAt: '2026-03-01T10:01:00+08:00',
      updatedAt: '2026-03-02T09:00:00+08:00',
    });
    expect(readTopTrade(parseLosslessJson('{"tid":1,"status":"SOMETHING_NEW","created":"2026-03-01 10:00:00","modified":"2026-03-01 10:00:00","payment":"1.00","orders":{"order":[]}}'))).toBe('unknown status SOMETHING_NEW');
  });

  it('maps a JD order: a cancellation before payment is CANCELLED', () => {
    const order = parseLosslessJson(
      '{"orderId":4398046511104123999,"orderState":"TRADE_CANCELED","orderPayment":"99.90","orderStartTime":"2026-03-01 10:00:00","paymentConfirmTime":"","modified":"2026-03-01 11:00:00","itemInfoList":[{"skuId":"100","skuName":"袜子","jdPrice":"99.90","itemTotal":"1"}]}',
    );
    expect(readJdOrder(order)).toMatchObject({ externalOrderId: '4398046511104123999', status: 'CANCELLED', paidFen: 0, totalFen: 9990, paidAt: null, lines: [{ externalSkuId: '100', quantity: 1, unitPriceFen: 9990 }] });
  });
});

describe('channel order ids', () => {
  it('are UUID v5 (RFC 9562): the known vectors of the DNS namespace', () => {
    const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidV5(DNS, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5(DNS, 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('name one order per (channel, order id): stable, and apart across channels and ids', () => {
    const tid = '4398046511104123456';
    // Pinned: a changed namespace or name would give every trade pulled before it a second order.
    expect(channelOrderId('TMALL', tid)).toBe('ord-aa97d7dc-211a-55f6-aac8-4c49a7a42217');
    expect(new Set([channelOrderId('TMALL', tid), channelOrderId('JD', tid), channelOrderId('TMALL', '4398046511104123457')]).size).toBe(3);
  });
});

describe('retry with backoff', () => {
  it('doubles the wait per retry, with jitter, up to the cap', () => {
    const policy = { attempts: 8, baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('retries retryable errors only, and gives up after the attempts', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    let calls = 0;
    const ok = await withBackoff(
      async () => {
        calls++;
        if (calls < 3) throw new ProviderCallError('RETRYABLE', 'HTTP_503', 'down');
        return 'done';
      },
      { attempts: 5, baseMs: 100, maxMs: 1000 },
      { sleep, random: () => 0.5 },
    );
    expect(ok).toBe('done');
    expect(waits).toEqual([75, 150]);
    await expect(withBackoff(async () => { throw new ProviderCallError('CREDENTIALS', '27', 'bad session'); }, { attempts: 5, baseMs: 1, maxMs: 1 }, { sleep })).rejects.toMatchObject({ kind: 'CREDENTIALS' });
    let n = 0;
    await expect(withBackoff(async () => { n++; throw new ProviderCallError('RETRYABLE', '7', 'limited'); }, { attempts: 3, baseMs: 1, maxMs: 1 }, { sleep })).rejects.toMatchObject({ providerCode: '7' });
    expect(n).toBe(3);
  });
});
