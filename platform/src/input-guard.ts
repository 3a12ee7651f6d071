import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type StringValueNode } from 'graphql';

// Checks every GraphQL request makes before anything runs, at the edge of every service (the gateway and each
// subgraph install requestGuardPlugin), so that no resolver, repository or SQL statement has to repeat them.
// A failed check is a request error: HTTP 400 with a typed code, nothing executed.

/** A request error (nothing was executed): HTTP 400 and a typed extensions.code. */
export function requestError(code: string, message: string, nodes?: readonly ASTNode[], extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code, ...extra, http: { status: 400 } } });
}

/** U+0000: PostgreSQL text and jsonb cannot hold it (error 22021), and no legitimate input has it. */
const NUL = '\u0000';

/**
 * The first string holding a NUL character in JSON-like data (variables), keys included, as a dotted path.
 * Walks iteratively: a deeply nested body cannot overflow the stack.
 */
export function findNulInValue(value: unknown, root: string): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: root }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}.${i}` });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes(NUL)) return `${path}.${k.replaceAll(NUL, '\\u0000')}`;
        stack.push({ v: child, path: `${path}.${k}` });
      }
    }
  }
  return null;
}

/** The string literals of a document (arguments, input objects, default values) that hold a NUL. */
export function findNulInDocument(document: DocumentNode): StringValueNode[] {
  const found: StringValueNode[] = [];
  visit(document, {
    StringValue(node) {
      if (node.value.includes(NUL)) found.push(node);
    },
  });
  return found;
}

/**
 * The NUL-holding literals of each document seen: Apollo hands a cached document (the same object) to every
 * request of the same query, so it is walked once, not per request.
 */
const nulLiteralsOf = new WeakMap<DocumentNode, StringValueNode[]>();

/** BAD_USER_INPUT when any string of the request (document literal or variable) holds a NUL; else null. */
export function nulInputError(document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | null {
  let literals = nulLiteralsOf.get(document);
  if (literals === undefined) nulLiteralsOf.set(document, (literals = findNulInDocument(document)));
  if (literals.length) return requestError('BAD_USER_INPUT', 'string values must not contain the NUL character (U+0000)', literals);
  for (const [name, value] of Object.entries(variables ?? {})) {
    const at = findNulInValue(value, `$${name}`);
    if (at) return requestError('BAD_USER_INPUT', `variable ${at} must not contain the NUL character (U+0000)`, undefined, { variable: at });
  }
  return null;
}

/**
 * The request guard every service installs (Apollo plugin), after parsing and validation, before execution:
 * - the operation must resolve: an unknown operationName, or several operations without one, is
 *   OPERATION_RESOLUTION_FAILURE (the gateway's executor would otherwise throw, a 500);
 * - its root type must exist, and subscriptions are not served over HTTP: GRAPHQL_VALIDATION_FAILED;
 * - no string value, in the document or the variables, may contain NUL (U+0000): BAD_USER_INPUT.
 * Each is HTTP 400 and never reaches a resolver, so every subgraph gets the checks without writing them.
 */
export function requestGuardPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, request, schema }) {
          if (!operation) {
            const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
            const message =
              request.operationName != null
                ? `Unknown operation named "${request.operationName}".`
                : operations === 0
                  ? 'The document contains no operation.'
                  : 'Must provide operation name if query contains multiple operations.';
            throw requestError('OPERATION_RESOLUTION_FAILURE', message);
          }
          const kind = operation.operation;
          if (kind === 'subscription' || !schema.getRootType(kind)) {
            const message = kind === 'subscription' ? 'subscriptions are not supported over HTTP' : `the schema has no ${kind} operations`;
            throw requestError('GRAPHQL_VALIDATION_FAILED', message, [operation], operationName ? { operationName } : {});
          }
          const nul = nulInputError(document, request.variables);
          if (nul) throw nul;
        },
      };
    },
  };
}

/** Request errors: the document, its variables or its extensions were refused; nothing was executed. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_RESOLUTION_FAILURE', 'QUERY_TOO_EXPENSIVE',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'PERSISTED_QUERY_NOT_FOUND',
]);

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';

/**
 * Whether the Accept header explicitly asks for application/json over application/graphql-response+json
 * (the legacy media type, whose clients expect 200 for every well-formed request). A missing header,
 * a wildcard or a preference for application/graphql-response+json is not.
 */
export function prefersLegacyJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part, order) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { type, q: Number.isFinite(quality) ? quality : 0, order };
  });
  const json = ranges.find((r) => r.type === JSON_TYPE);
  if (!json || json.q <= 0) return false;
  const graphql = ranges.find((r) => r.type === GRAPHQL_RESPONSE_TYPE);
  return !graphql || graphql.q < json.q || (graphql.q === json.q && json.order < graphql.order);
}

/**
 * The status of a request error (a response without data whose errors all have a REQUEST_ERROR_CODES code),
 * as the GraphQL-over-HTTP spec has it: 400, except 200 for a client that explicitly prefers
 * application/json. Apollo Server answers 400 whatever the Accept header, and 200 for persisted-query errors.
 */
export function graphqlHttpStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          const codes = errors.map((e) => e.extensions?.code);
          if (!codes.every((c) => typeof c === 'string' && REQUEST_ERROR_CODES.has(c))) return;
          const status = response.http.status;
          if (status !== undefined && status !== 200 && status !== 400) return;
          response.http.status = prefersLegacyJson(request.http?.headers.get('accept')) ? 200 : 400;
        },
      };
    },
  };
}
