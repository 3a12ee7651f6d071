// The scenarios `npm run bench` measures (bench/run.ts); tests/query-cost.test.ts runs each once through the test
// graph, so a scenario that stops answering fails a test before it fails a benchmark.
import type { Role, Viewer } from '@retail/platform';
import { DEMO_MEMBERS } from '@retail/members/demo';
import { DEMO_PEOPLE_IN_BOTH } from '@retail/points/demo';

/** Asks the graph as the scenario's caller: the bench's gateway, or the test graph. */
export type Ask = (query: string, variables: Record<string, unknown>) => Promise<{ data?: unknown; errors?: unknown }>;

export interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Who asks (a signed bearer token); anonymous when absent. */
  as?: Partial<Viewer> & { role: Role };
  /**
   * A write whose every request needs its own variables (a fresh quote to commit): makes them for one request. The
   * benchmark drives such a scenario itself (bench/run.ts, runExchangeCommits), with quotes made before the timed run.
   */
  prepare?: (ask: Ask) => Promise<Record<string, unknown>>;
  /** Each request names its operation anew (bench/table.ts withOperationName): no gateway can reuse a cached plan. */
  uniqueOperationNames?: boolean;
  /**
   * The variables of the n-th request (n from 0; the responses compared between gateways are request 0's): every
   * request asks something else, so nothing can be coalesced or cached, only the plan reused.
   */
  variablesPerRequest?: (n: number) => Record<string, unknown>;
  /**
   * Measured through this gateway with its public response cache on (docs/performance.md, "Public response cache"),
   * in memory or on Redis; every other scenario runs with RESPONSE_CACHE=off, so its numbers stay comparable with
   * earlier runs and with the peers (which have no such cache).
   */
  responseCache?: 'memory' | 'redis';
}

/** A member of both demo brands (one OneID), who exchanges 朗蜜 points for 澄妆 points under the demo agreement. */
export const EXCHANGER = DEMO_PEOPLE_IN_BOTH[0]!;

export const QUOTE_EXCHANGE = `mutation($input: QuotePointsExchangeInput!) { quotePointsExchange(input: $input) { quote { id } userErrors { code message } } }`;
export const COMMIT_EXCHANGE = `mutation($input: CommitPointsExchangeInput!) { commitPointsExchange(input: $input) {
  exchange { id status fromTransaction { points balanceAfter } toTransaction { points expiresAt } } userErrors { code message } } }`;

export const EXCHANGE_COMMIT_NAME = 'points-exchange-commit (a member commits a fresh quote: FIFO debit, credit lot, settlement entry)';

/** A member's whole picture: members, orders, products, stores and points in one request. */
export const MEMBER_360 = `query($id: ID!) { member(id: $id) { id displayName phoneMasked tier { name } tags { name } guide { name status } homeStore { name }
      pointsAccount { balance pending } lifetimeSpend { amount }
      orders(first: 10) { edges { node { id status placedAt total { amount } store { name } guide { name }
        lines { title quantity lineTotal { amount } sku { code product { title } } } } } } } }`;

/** The lingerie brand's demo members, in a fixed order. */
const LNG_MEMBER_IDS = DEMO_MEMBERS.filter((m) => m.brandId === 'brand-lng').map((m) => m.id);

export const PERIOD = { from: '2026-01-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' };

/** bench s1: the stores list with stock and prices of five SKUs (`$skus`, the bench picks them). */
export const STORE_LIST = `query($skus: [ID!]!) { stores(first: 20) { edges { node { id name address { city } openingHours { dayOfWeek opens closes } pickupEnabled
      stock(skuIds: $skus) { available sku { code listPrice { amount currency } storePrice(storeId: "store-lng-01") { amount } } } } } } }`;

/** bench s2: catalog search, anonymous (a public read: what the response cache keeps). */
export const CATALOG_SEARCH = `{ products(first: 20, filter: { brandId: "brand-lng" }) { totalCount edges { node { id title category images
      skus { code attributes { name value } listPrice { amount } storePrice(storeId: "store-lng-01") { amount } } } } } }`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'stores list + stock + per-store prices (20 stores × 5 SKUs)',
    query: STORE_LIST,
  },
  {
    name: 'catalog search (brand + text, 20 products with SKUs and store price)',
    query: CATALOG_SEARCH,
  },
  {
    // members, orders, products, stores and points in one request, as a guide's or the brand's member view asks
    name: 'member-360 (member, tier, tags, guide, points, 10 orders with lines, SKUs, products, store)',
    as: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
    query: MEMBER_360,
    variables: { id: 'mem-lng-0007' },
  },
  {
    name: 'member-360 of a different member per request (nothing to coalesce or cache)',
    as: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
    query: MEMBER_360,
    variablesPerRequest: (n) => ({ id: LNG_MEMBER_IDS[n % LNG_MEMBER_IDS.length] }),
  },
  {
    name: 'store dashboard (20 stores: KPI, member metrics, pending handovers)',
    as: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
    query: `query($p: PeriodInput!) { stores(first: 20) { edges { node { id name
      kpi(period: $p) { total { amount } inStoreSales { amount } miniProgramSales { amount } orders pickupOrders offHoursOrderShare { rate } }
      memberMetrics(period: $p) { newMembers nonMemberJoinRate { rate } historicalMemberOnlineRate { rate } dormantReactivationRate { rate } }
      guidesAwaitingHandover { customerCount } } } } }`,
    variables: { p: PERIOD },
  },
  {
    name: EXCHANGE_COMMIT_NAME,
    as: { role: 'MEMBER', brandId: 'brand-lng', memberId: EXCHANGER.lngMemberId },
    query: COMMIT_EXCHANGE,
    prepare: async (ask) => {
      const res = await ask(QUOTE_EXCHANGE, { input: { agreementId: 'agr-lng-csm', fromMemberId: EXCHANGER.lngMemberId, toMemberId: EXCHANGER.csmMemberId, fromPoints: 100 } });
      const quote = (res.data as { quotePointsExchange?: { quote: { id: string } | null } } | undefined)?.quotePointsExchange?.quote;
      if (!quote) throw new Error(`no quote to commit: ${JSON.stringify(res)}`);
      return { input: { idempotencyKey: `commit-${quote.id}`, quoteId: quote.id } };
    },
  },
  {
    name: 'stores list (s1) with a new operation name per request (no plan cache)',
    query: STORE_LIST,
    uniqueOperationNames: true,
  },
  {
    name: 'cached public read: catalog search (s2), response cache in memory',
    query: CATALOG_SEARCH,
    responseCache: 'memory',
  },
  {
    name: 'cached public read: catalog search (s2), response cache on Redis (REDIS_URL)',
    query: CATALOG_SEARCH,
    responseCache: 'redis',
  },
];
