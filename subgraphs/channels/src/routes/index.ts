import type http from 'node:http';
import { sendJson, type RouteHandler, type SubgraphDeps } from '@retail/platform';
import { credentialKeyring, type CredentialKeyring } from '../domain/credential-cipher';
import { checkPaymentAgainstOrder, type OrderCheck } from '../inbound/order-check';
import { orderOf, recordVerifiedEvent } from '../inbound/record-event';
import { checkRefundNotice } from '../inbound/refund-check';
import type { ChannelEventStatus, ChannelKind, ConnectionWithSecrets } from '../model';
import { verifyAlipayNotify } from '../providers/alipay/notify';
import { parseFormBody } from '../providers/alipay/signature';
import { verifyWechatpayNotify, type NotifyVerdict } from '../providers/wechatpay/notify';
import { connectionForCallback } from '../repo/connections';
import { connectionSecrets } from '../repo/connection-secrets';
import { insertUnclaimedEvent } from '../repo/events';
import type { ChannelsSettings } from '../settings';

// The providers' callbacks (README "Channel callbacks", docs/architecture.md §3): public routes of the channels
// service, reached through the gateway's /channels/* forward. No viewer: the provider's signature with the
// connection's keys is the authentication. Every notification of a known connection is stored with what became of it.

/** The largest notification accepted (both providers send a few KB). */
export const MAX_NOTIFY_BYTES = 64 * 1024;

/** How a provider wants to be answered. */
interface Answer {
  ok(res: http.ServerResponse): void;
  fail(res: http.ServerResponse, status: number, message: string): void;
}

const ALIPAY_ANSWER: Answer = {
  // Alipay stops retrying only on the literal body `success`.
  ok: (res) => sendText(res, 200, 'success'),
  fail: (res, status) => sendText(res, status, 'fail'),
};

const WECHATPAY_ANSWER: Answer = {
  ok: (res) => {
    res.writeHead(204);
    res.end();
  },
  fail: (res, status, message) => sendJson(res, status, { code: 'FAIL', message }),
};

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const header = (req: http.IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** The HTTP status of a stored outcome: success, a refusal (the provider may retry, it will not help), or try again later. */
function statusOf(status: ChannelEventStatus): number {
  if (status === 'ACCEPTED' || status === 'DUPLICATE') return 200;
  return status === 'FAILED' ? 503 : 400;
}

interface Callback {
  channel: ChannelKind;
  /** The path's shape; its one group is the connection id. */
  path: RegExp;
  answer: Answer;
  /** The notification's identity and verdict, or null when the body is not even a notification (answered 400, not stored). */
  verify(req: http.IncomingMessage, body: Buffer, secrets: ConnectionWithSecrets): NotifyVerdict | null;
}

const CALLBACKS: Callback[] = [
  {
    channel: 'ALIPAY',
    path: /^\/channels\/alipay\/([A-Za-z0-9_-]{1,100})\/notify$/,
    answer: ALIPAY_ANSWER,
    verify: (_req, body, secrets) => {
      const params = parseFormBody(body);
      return params && verifyAlipayNotify(params, secrets);
    },
  },
  {
    channel: 'WECHAT_PAY',
    path: /^\/channels\/wechatpay\/([A-Za-z0-9_-]{1,100})\/notify$/,
    answer: WECHATPAY_ANSWER,
    verify: (req, body, secrets) =>
      verifyWechatpayNotify(
        { timestamp: header(req, 'wechatpay-timestamp'), nonce: header(req, 'wechatpay-nonce'), signature: header(req, 'wechatpay-signature'), serial: header(req, 'wechatpay-serial') },
        body,
        secrets,
        Date.now(),
      ),
  },
];

async function handle(deps: SubgraphDeps, keyring: CredentialKeyring, cb: Callback, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://local');
  const match = cb.path.exec(pathname);
  if (!match) return cb.answer.fail(res, 404, 'no such callback');
  if (body.length > MAX_NOTIFY_BYTES) return cb.answer.fail(res, 413, 'notification too large');
  const log = deps.logger.child({ channel: cb.channel, connectionId: match[1] });
  try {
    const connection = await connectionForCallback(deps.db, match[1]!);
    // Not stored: an unknown connection has no brand to file it under, and anybody can post here.
    if (!connection || connection.channel !== cb.channel) return cb.answer.fail(res, 404, 'no such connection');
    const secrets = await connectionSecrets(deps.db, keyring, connection);
    const verdict = cb.verify(req, body, secrets);
    if (!verdict) return cb.answer.fail(res, 400, 'not a notification');
    const origin = { connectionId: connection.id, brandId: connection.brandId, channel: connection.channel, eventType: verdict.eventType, externalId: verdict.externalId };
    const refusal = connection.status === 'DISABLED' ? 'the connection is DISABLED' : verdict.ok ? null : verdict.reason;
    if (refusal !== null || !verdict.ok) {
      const event = await insertUnclaimedEvent(deps.db, origin, 'REJECTED', refusal, null);
      log.warn({ eventId: event.id, reason: refusal }, 'channel notification rejected');
      return cb.answer.fail(res, connection.status === 'DISABLED' ? 403 : 401, refusal ?? 'rejected');
    }
    const { facts } = verdict;
    const check: OrderCheck =
      facts.kind === 'PAYMENT'
        ? await checkPaymentAgainstOrder(deps.peers, connection.brandId, facts.payment)
        : facts.kind === 'REFUND'
          ? await checkRefundNotice(deps.db, connection, facts.refund)
          : { kind: 'OK' };
    const event = await recordVerifiedEvent(deps.db, origin, verdict.facts, check);
    if (event.status !== 'ACCEPTED' && event.status !== 'DUPLICATE') {
      log.warn({ eventId: event.id, status: event.status, reason: event.error, orderId: orderOf(verdict.facts) }, 'channel notification not applied');
      return cb.answer.fail(res, statusOf(event.status), event.error ?? event.status);
    }
    return cb.answer.ok(res);
  } catch (err) {
    // Nothing was stored, or the transaction rolled back: the provider retries.
    log.error({ err }, 'channel notification failed');
    return cb.answer.fail(res, 500, 'temporarily unavailable');
  }
}

/** channels' plain HTTP routes: the providers' notification callbacks (SubgraphDefinition.routes). */
export function channelRoutes(deps: SubgraphDeps, settings: ChannelsSettings): Record<string, RouteHandler> {
  const keyring = credentialKeyring(settings);
  const routes: Record<string, RouteHandler> = {};
  for (const cb of CALLBACKS) {
    const prefix = cb.channel === 'ALIPAY' ? 'alipay' : 'wechatpay';
    routes[`POST /channels/${prefix}/*`] = (req, res, body) => handle(deps, keyring, cb, req, res, body);
  }
  return routes;
}
