import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { requestStateOf } from './context';
import { databaseTrouble, type DatabaseTrouble } from './db/database';

/** Protocol failures: GraphQL errors with extensions.code (docs/architecture.md §5). */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'RATE_LIMITED' | 'QUERY_TOO_EXPENSIVE' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

export function graphqlError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}
export const unauthenticated = (message = 'sign in first') => graphqlError('UNAUTHENTICATED', message);
export const forbidden = (message = 'not allowed') => graphqlError('FORBIDDEN', message);
export const badUserInput = (message: string, field?: string[]) => graphqlError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (message = 'not found') => graphqlError('NOT_FOUND', message);

/** The contract's UserErrorCode, shared by every subgraph. */
export type UserErrorCode =
  | 'INVALID_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'ALREADY_EXISTS' | 'INVALID_TRANSITION' | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_PROGRESS' | 'CONFLICT' | 'STORE_CLOSED' | 'PICKUP_NOT_ENABLED' | 'GUIDE_NOT_ACTIVE' | 'GUIDE_NOT_LEFT' | 'STORE_MISMATCH'
  | 'BRAND_MISMATCH' | 'IDENTITY_ALREADY_BOUND' | 'IDENTITY_NOT_BOUND' | 'MEMBER_MERGED' | 'ONE_ID_MISMATCH'
  | 'OUT_OF_STOCK' | 'SKU_NOT_SELLABLE' | 'RESERVATION_EXPIRED' | 'CURRENCY_MISMATCH' | 'PRICE_CHANGED'
  | 'PAYMENT_AMOUNT_MISMATCH' | 'INVALID_PICKUP_CODE' | 'REFUND_EXCEEDS_PAID' | 'INSUFFICIENT_POINTS' | 'QUOTE_EXPIRED'
  | 'QUOTE_ALREADY_USED' | 'BELOW_MINIMUM' | 'DAILY_LIMIT_EXCEEDED' | 'AGREEMENT_INACTIVE' | 'CHANNEL_DISABLED'
  | 'CHANNEL_REJECTED' | 'INVALID_CREDENTIALS' | 'EVENT_NOT_REPLAYABLE' | 'VELOCITY_LIMIT_EXCEEDED';

export interface UserError {
  code: UserErrorCode;
  field: string[] | null;
  message: string;
}

export function userError(code: UserErrorCode, message: string, field: string[] | null = null): UserError {
  return { code, field, message };
}

/**
 * A business failure thrown inside a mutation's service code; the resolver turns it into
 * `{ userErrors: [...] }` (see payloadFrom). Thrown so that a transaction rolls back.
 */
export class UserErrorException extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
  static of(code: UserErrorCode, message: string, field: string[] | null = null): UserErrorException {
    return new UserErrorException([userError(code, message, field)]);
  }
  /** NOT_FOUND "<what> not found": also for rows outside the caller's scope, which behave as absent. */
  static notFound(what: string, field: string[] | null = null): UserErrorException {
    return UserErrorException.of('NOT_FOUND', `${what} not found`, field);
  }
  static forbidden(message: string, field: string[] | null = null): UserErrorException {
    return UserErrorException.of('FORBIDDEN', message, field);
  }
}

/**
 * Runs a mutation body; a UserErrorException becomes `{ ...failed, userErrors }` (`failed`: what the payload's
 * non-null fields say when the mutation failed, e.g. `{ alreadyMember: false }`), the result gets `userErrors: []`.
 */
export async function payloadFrom<T extends object>(fn: () => Promise<T>, failed: Partial<T> = {}): Promise<T & { userErrors: UserError[] }> {
  try {
    const out = await fn();
    return { ...out, userErrors: (out as { userErrors?: UserError[] }).userErrors ?? [] };
  } catch (e) {
    if (e instanceof UserErrorException) return { ...failed, userErrors: e.errors } as unknown as T & { userErrors: UserError[] };
    throw e;
  }
}

/** Codes of the client's mistakes and refusals: passed to the client as they are, logged at info without a stack. */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode | 'GRAPHQL_VALIDATION_FAILED' | 'GRAPHQL_PARSE_FAILED' | 'BAD_REQUEST' | 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_NOT_SUPPORTED' | 'OPERATION_RESOLUTION_FAILURE'>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'RATE_LIMITED', 'QUERY_TOO_EXPENSIVE',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** What a client reads when the database could not serve its request (never the driver's message: addresses, SQL). */
const DATABASE_TROUBLE_MESSAGES: Record<DatabaseTrouble, string> = {
  unreachable: 'the database is unavailable; try again',
  timeout: 'the database did not answer in time; try again',
  conflict: 'a concurrent change conflicted with this one; try again',
};

/** The error a resolver threw, under the GraphQLErrors that wrap it. */
function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 5 && cur instanceof GraphQLError && cur.originalError; i++) cur = cur.originalError;
  return cur;
}

/**
 * HTTP 503 (with Retry-After) for a response that could answer nothing because a dependency is unavailable:
 * no data (absent or null) and every error SERVICE_UNAVAILABLE (after formatError). Installed by every subgraph
 * and the gateway, so load balancers, clients and the gateway see the outage in the status too; a response
 * with any data, or with another error, keeps its status.
 */
export function serviceUnavailableStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if ((data !== undefined && data !== null) || !errors?.length) return;
          if (!errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}

/** The request an error was met in, as maskError reports it: its id (for the client) and its logger. */
export interface ErrorRequest {
  requestId: string;
  logger: Logger;
}

/** Each error of a GraphQL request, mapped to its request by errorRequestPlugin (Apollo's formatError gets no context). */
const errorRequests = new WeakMap<object, ErrorRequest>();
/**
 * Tells maskError which request each error belongs to (every service installs it): Apollo hands a request's
 * errors to didEncounterErrors right before it formats those same objects. Errors Apollo refuses before any
 * request starts (a malformed body) have none: the HTTP front logs those (createHttpService).
 */
export function errorRequestPlugin<C extends BaseContext & ErrorRequest>(): ApolloServerPlugin<C> {
  const listener = {
    async didEncounterErrors({ contextValue, errors }: { contextValue: C; errors: readonly object[] }) {
      for (const e of errors) errorRequests.set(e, contextValue);
    },
  };
  return { requestDidStart: async () => listener };
}

/**
 * Apollo formatError: a client error (CLIENT_ERROR_CODES) passes through, logged at info with its code, message
 * and path (no stack: it is not the service's fault); a database that is unreachable, timed out or conflicted
 * (databaseTrouble) and SERVICE_UNAVAILABLE are SERVICE_UNAVAILABLE with `retryable: true`; anything else is
 * masked as INTERNAL_SERVER_ERROR and logged at error level with the request id, which the client also gets
 * to quote to support.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError {
  const given = formatted.extensions?.code;
  // A literal a custom scalar refused (invalidScalarValue) is bad input, as the same value in a variable is.
  const code = given === 'GRAPHQL_VALIDATION_FAILED' && typeof formatted.extensions?.scalar === 'string' ? 'BAD_USER_INPUT' : given;
  const req = typeof original === 'object' && original !== null ? errorRequests.get(original) : undefined;
  const state = req && requestStateOf(req);
  if (state) state.errorsReported = true;
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
    const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
    // The message may echo the input (a coercion error quotes the value): cut short, so a log line stays a line.
    req?.logger.info({ code, message: formatted.message.slice(0, 300), path: formatted.path }, 'client error');
    return { ...formatted, extensions: { ...ext, code } };
  }
  const trouble = databaseTrouble(rootCause(original));
  if (trouble) {
    // The database is down, restarting, locked or too slow for the request's deadline: retryable, never masked.
    // Logged once per state change by the Database (not a line per failed query); per request at debug only.
    req?.logger.debug({ code: 'SERVICE_UNAVAILABLE', trouble, path: formatted.path }, 'database unavailable');
    return { message: DATABASE_TROUBLE_MESSAGES[trouble], path: formatted.path, locations: formatted.locations, extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } };
  }
  if (code === 'SERVICE_UNAVAILABLE') {
    // A dependency (another subgraph, the database) could not answer: not the client's mistake, not a bug; retryable.
    const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
    req?.logger.warn({ code, message: formatted.message, path: formatted.path }, 'dependency unavailable');
    return { ...formatted, extensions: { ...ext, code, retryable: true } };
  }
  req?.logger.error({ err: original instanceof Error ? (original as { originalError?: unknown }).originalError ?? original : original, path: formatted.path }, 'internal error');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: req?.requestId },
  };
}

