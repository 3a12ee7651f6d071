import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { currentRequest } from './context';

/** Protocol failures: GraphQL errors with extensions.code (docs/architecture.md §5). */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'RATE_LIMITED' | 'QUERY_TOO_EXPENSIVE' | 'INTERNAL_SERVER_ERROR';

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
  | 'CONFLICT' | 'STORE_CLOSED' | 'PICKUP_NOT_ENABLED' | 'GUIDE_NOT_ACTIVE' | 'GUIDE_NOT_LEFT' | 'STORE_MISMATCH'
  | 'BRAND_MISMATCH' | 'IDENTITY_ALREADY_BOUND' | 'IDENTITY_NOT_BOUND' | 'MEMBER_MERGED' | 'ONE_ID_MISMATCH'
  | 'OUT_OF_STOCK' | 'SKU_NOT_SELLABLE' | 'RESERVATION_EXPIRED' | 'CURRENCY_MISMATCH' | 'PRICE_CHANGED'
  | 'PAYMENT_AMOUNT_MISMATCH' | 'INVALID_PICKUP_CODE' | 'REFUND_EXCEEDS_PAID' | 'INSUFFICIENT_POINTS' | 'QUOTE_EXPIRED'
  | 'QUOTE_ALREADY_USED' | 'BELOW_MINIMUM' | 'DAILY_LIMIT_EXCEEDED' | 'AGREEMENT_INACTIVE' | 'CHANNEL_DISABLED'
  | 'CHANNEL_REJECTED' | 'INVALID_CREDENTIALS' | 'EVENT_NOT_REPLAYABLE';

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

/** Runs a mutation body; a UserErrorException becomes `{ userErrors }`, the result gets `userErrors: []`. */
export async function payloadFrom<T extends object>(fn: () => Promise<T>): Promise<T & { userErrors: UserError[] }> {
  try {
    const out = await fn();
    return { ...out, userErrors: (out as { userErrors?: UserError[] }).userErrors ?? [] };
  } catch (e) {
    if (e instanceof UserErrorException) return { userErrors: e.errors } as unknown as T & { userErrors: UserError[] };
    throw e;
  }
}

const KNOWN: ReadonlySet<string> = new Set<ErrorCode | 'GRAPHQL_VALIDATION_FAILED' | 'GRAPHQL_PARSE_FAILED' | 'BAD_REQUEST' | 'PERSISTED_QUERY_NOT_FOUND' | 'OPERATION_RESOLUTION_FAILURE'>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'RATE_LIMITED', 'QUERY_TOO_EXPENSIVE',
  'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo formatError: known codes pass through; anything else is masked as INTERNAL_SERVER_ERROR
 * and logged with the request id, which the client also gets to quote to support.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && KNOWN.has(code)) {
    const { stacktrace: _s, ...ext } = formatted.extensions ?? {};
    return { ...formatted, extensions: ext };
  }
  const req = currentRequest();
  req?.logger.error({ err: original instanceof Error ? (original as { originalError?: unknown }).originalError ?? original : original, path: formatted.path }, 'internal error');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: req?.requestId },
  };
}
