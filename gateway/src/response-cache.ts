import crypto from 'node:crypto';
import type http from 'node:http';
import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import { getNamedType, OperationTypeNode, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { OutageLog, responseCacheHits, responseCacheInvalidations, responseCacheMisses, type Logger } from '@retail/platform';
import type { ResponseCacheStore } from './response-cache-store';

// The public response cache (docs/performance.md, "Public response cache"): whole responses to anonymous queries
// that read only public catalog domains, looked up before Apollo parses or plans anything, invalidated by
// generations (one per domain) that mutations through any gateway and the domains' own events bump.

/**
 * The subgraphs whose anonymous answers may be cached; each is one domain with one generation. Anonymous callers
 * see only public rows of them (docs/architecture.md §4), the same for every anonymous caller.
 */
export const CACHED_DOMAINS: readonly string[] = ['stores', 'products'];

/** Types whose values move with every order (stock): answers selecting one live the stock TTL, not invalidated. */
export const SHORT_LIVED_TYPES: ReadonlySet<string> = new Set(['StoreStock']);

/** An entry larger than this is not kept (a huge page would crowd out everything else). */
export const MAX_ENTRY_CHARS = 1_000_000;

/** Events older than the longest entry lifetime plus this cannot concern a live entry (a backlog replayed at start). */
const EVENT_RELEVANCE_MARGIN_MS = 30_000;

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
type PlanNode = NonNullable<QueryPlan['node']>;

/** What a query plan does: which subgraphs it reads from, and which it sends a mutation to. */
export interface PlanFacts {
  reads: ReadonlySet<string>;
  writes: ReadonlySet<string>;
}

const planFacts = new WeakMap<object, PlanFacts>();

function walk(node: PlanNode | undefined, reads: Set<string>, writes: Set<string>): void {
  if (!node) return;
  switch (node.kind) {
    case 'Fetch':
      reads.add(node.serviceName);
      if (node.operationKind === OperationTypeNode.MUTATION) writes.add(node.serviceName);
      return;
    case 'Sequence':
    case 'Parallel':
      for (const n of node.nodes) walk(n, reads, writes);
      return;
    case 'Flatten':
      walk(node.node, reads, writes);
      return;
    case 'Defer':
      walk(node.primary.node, reads, writes);
      for (const d of node.deferred) walk(d.node, reads, writes);
      return;
    case 'Condition':
      walk(node.ifClause, reads, writes);
      walk(node.elseClause, reads, writes);
      return;
  }
}

/** The facts of a plan (memoized: the gateway keeps its plans, so a plan is walked once). */
export function factsOfPlan(plan: QueryPlan): PlanFacts {
  let facts = planFacts.get(plan);
  if (!facts) {
    const reads = new Set<string>();
    const writes = new Set<string>();
    const root = plan.node;
    if (root?.kind === 'Subscription') {
      walk(root.primary, reads, writes);
      walk(root.rest, reads, writes);
    } else walk(root, reads, writes);
    facts = { reads, writes };
    planFacts.set(plan, facts);
  }
  return facts;
}

const shortLivedDocuments = new WeakMap<DocumentNode, boolean>();

/** Whether the document selects a field of a SHORT_LIVED_TYPES type anywhere (memoized per parsed document). */
export function selectsShortLived(schema: GraphQLSchema, document: DocumentNode): boolean {
  const known = shortLivedDocuments.get(document);
  if (known !== undefined) return known;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && SHORT_LIVED_TYPES.has(getNamedType(type).name)) found = true;
      },
    }),
  );
  shortLivedDocuments.set(document, found);
  return found;
}

/** What the gateway learnt of one request on its way (GatewayContext.cache). */
export interface CacheRequestState {
  /** No Authorization header: the answer is the same for every anonymous caller. */
  anonymous: boolean;
  /** The request's cache key and the lookup started when it arrived (anonymous requests, cache on). */
  key?: string;
  lookup?: Promise<Lookup>;
  /** From the query plan: the operation type, the subgraphs it reads and writes, whether it selects stock. */
  plan?: PlanFacts & { query: boolean; shortLived: boolean };
  /** The answer is one result without errors. */
  clean?: boolean;
}

export type Lookup =
  | { kind: 'hit'; body: string; contentType: string; maxAgeS: number }
  /** Not fresh in the cache; the generations read now, before any subgraph is asked, for the entry to record. */
  | { kind: 'miss'; generations: ReadonlyMap<string, string> }
  /** The store did not answer (Redis down): nothing is served from it or kept in it. */
  | { kind: 'unavailable' };

/** Whether a plan's answer, for an anonymous caller, is public and cacheable: a query reading only cached domains. */
export function isPublicPlan(plan: CacheRequestState['plan']): boolean {
  if (!plan?.query || plan.writes.size > 0) return false;
  for (const s of plan.reads) if (!CACHED_DOMAINS.includes(s)) return false;
  return true;
}

/** The head line of an entry: expiry (ms), content type, HTTP max-age and the generations it was computed under. */
interface EntryHead {
  exp: number;
  ct: string;
  ma: number;
  g: Record<string, string>;
}

function parseHead(line: string): EntryHead | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { exp, ct, ma, g } = v as Record<string, unknown>;
  if (typeof exp !== 'number' || typeof ct !== 'string' || typeof ma !== 'number' || typeof g !== 'object' || g === null) return null;
  const generations: Record<string, string> = {};
  for (const [d, gen] of Object.entries(g)) {
    if (typeof gen !== 'string') return null;
    generations[d] = gen;
  }
  return { exp, ct, ma, g: generations };
}

export interface ResponseCacheOptions {
  store: ResponseCacheStore;
  /** Separates the entries of different supergraphs (a deploy may change what an answer holds). */
  namespace: string;
  /** Lifetime of an entry; invalidation usually ends it sooner. */
  ttlMs: number;
  /** Lifetime of an entry that selects stock (never invalidated). */
  stockTtlMs: number;
  now?: () => number;
  logger?: Logger;
}

/** The namespace of a supergraph's entries: a hash of its SDL and of the entry format. */
export function cacheNamespace(supergraphSdl: string): string {
  return crypto.createHash('sha256').update('response-cache/1\n').update(supergraphSdl).digest('base64url').slice(0, 16);
}

export class ResponseCache {
  private readonly now: () => number;
  private readonly outage: OutageLog;

  constructor(private readonly opts: ResponseCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.outage = new OutageLog({
      logger: opts.logger,
      fields: { component: 'response-cache' },
      messages: {
        down: 'response cache unavailable: public reads go to the subgraphs',
        stillDown: 'response cache still unavailable: public reads go to the subgraphs',
        up: 'response cache available again',
      },
    });
  }

  get kind(): 'redis' | 'memory' {
    return this.opts.store.kind;
  }

  /**
   * The key of an anonymous HTTP request: everything Apollo's answer depends on — method, path and query string
   * (GET), the headers that decide content negotiation and CSRF prevention, and the body bytes.
   */
  keyOf(req: http.IncomingMessage, body: Buffer): string {
    const h = req.headers;
    const hash = crypto.createHash('sha256');
    hash.update(`${req.method}\n${req.url}\n${h['content-type'] ?? ''}\n${h.accept ?? ''}\n${h['apollo-require-preflight'] ?? ''}\n${h['x-apollo-operation-name'] ?? ''}\n`);
    hash.update(body);
    return `${this.opts.namespace}:${hash.digest('base64url')}`;
  }

  /** One round trip: a fresh entry (a hit), or the generations the answer about to be computed will record. */
  async lookup(key: string): Promise<Lookup> {
    try {
      const { entry, generations } = await this.opts.store.read(key, CACHED_DOMAINS);
      const hit = entry === null ? null : this.fresh(entry, generations);
      if (hit) {
        this.outage.success();
        return hit;
      }
      const current = generations.every((g): g is string => g !== null) ? generations : await this.opts.store.initGenerations(CACHED_DOMAINS);
      this.outage.success();
      return { kind: 'miss', generations: new Map(CACHED_DOMAINS.map((d, i) => [d, current[i]!])) };
    } catch (e) {
      this.outage.failure(e);
      return { kind: 'unavailable' };
    }
  }

  private fresh(entry: string, generations: readonly (string | null)[]): Lookup | null {
    const nl = entry.indexOf('\n');
    const head = nl < 0 ? null : parseHead(entry.slice(0, nl));
    const now = this.now();
    if (!head || head.exp <= now) return null;
    for (const [domain, generation] of Object.entries(head.g)) {
      const i = CACHED_DOMAINS.indexOf(domain);
      if (i < 0 || generations[i] !== generation) return null;
    }
    return { kind: 'hit', body: entry.slice(nl + 1), contentType: head.ct, maxAgeS: Math.min(head.ma, Math.ceil((head.exp - now) / 1000)) };
  }

  /**
   * Keeps a public answer under the generations read before it was computed (so a write racing it leaves it
   * stale), with the Cache-Control max-age its hits are sent with.
   */
  async remember(key: string, miss: Extract<Lookup, { kind: 'miss' }>, plan: NonNullable<CacheRequestState['plan']>, answer: { body: string; contentType: string; maxAgeS: number }): Promise<void> {
    if (answer.body.length > MAX_ENTRY_CHARS) return;
    const ttlMs = plan.shortLived ? this.opts.stockTtlMs : this.opts.ttlMs;
    const g: Record<string, string> = {};
    for (const domain of plan.reads) g[domain] = miss.generations.get(domain)!;
    const head: EntryHead = { exp: this.now() + ttlMs, ct: answer.contentType, ma: answer.maxAgeS, g };
    try {
      await this.opts.store.write(key, `${JSON.stringify(head)}\n${answer.body}`, ttlMs);
      this.outage.success();
    } catch (e) {
      this.outage.failure(e);
    }
  }

  /** Every entry computed under the domains' current generations becomes stale. Throws when the store fails. */
  async invalidate(domains: Iterable<string>, source: 'mutation' | 'event'): Promise<void> {
    const cached = [...domains].filter((d) => CACHED_DOMAINS.includes(d));
    if (cached.length === 0) return;
    await this.opts.store.bump(cached);
    for (const domain of cached) responseCacheInvalidations.inc({ domain, source });
  }

  /** Whether an event committed at `occurredAt` can still concern a live entry (older ones are a replayed backlog). */
  concerns(occurredAt: string): boolean {
    const at = Date.parse(occurredAt);
    return !Number.isFinite(at) || at >= this.now() - Math.max(this.opts.ttlMs, this.opts.stockTtlMs) - EVENT_RELEVANCE_MARGIN_MS;
  }

  countHit(): void {
    responseCacheHits.inc();
  }

  countMiss(): void {
    responseCacheMisses.inc();
  }

  close(): Promise<void> {
    return this.opts.store.close();
  }
}
