// A peer gateway in front of the bench's subgraphs (npm run bench -- --peers): `node bench/peers/dist/runner.js
// apollo|hive`. Each runs with its defaults; the only addition is what the subgraphs require of any caller: the
// bearer token verified and every subgraph call signed (viewer-signing.ts).
// Env: PORT, JWT_SECRET, INTERNAL_SECRET, SUPERGRAPH_FILE, SUBGRAPH_URLS (JSON: name → URL).
import fs from 'node:fs';
import http from 'node:http';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Viewer } from '@retail/platform';
import { callerOf, encodeViewer, PEER_VIEWER_HEADER, signedViewerFor, VIEWER_HEADER, withSubgraphUrls } from './viewer-signing';

const kind = process.argv[2];
const port = Number(process.env.PORT ?? 4890);
const jwtSecret = process.env.JWT_SECRET ?? '';
const internalSecret = process.env.INTERNAL_SECRET ?? '';
const supergraphSdl = withSubgraphUrls(fs.readFileSync(process.env.SUPERGRAPH_FILE ?? '', 'utf8'), JSON.parse(process.env.SUBGRAPH_URLS ?? '{}') as Record<string, string>);
const caller = callerOf(jwtSecret);

/** Headers of a subgraph call with the peer's viewer header replaced by the signed x-viewer. */
function signHeaders(url: string, method: string, headers: Record<string, string>, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let encoded: string | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === PEER_VIEWER_HEADER) encoded = value;
    else out[name] = value;
  }
  if (encoded) out[VIEWER_HEADER] = signedViewerFor(encoded, internalSecret, url, method, body);
  return out;
}

async function apollo(): Promise<void> {
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  type Ctx = { viewer: Viewer };
  class SignedSource extends RemoteGraphQLDataSource<Ctx> {
    constructor(config: { url?: string }) {
      super(config);
      const plain = this.fetcher; // @apollo/gateway's own default fetcher
      this.fetcher = (url, init = {}) => {
        const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
        return plain(url, { ...init, headers: signHeaders(url, init.method ?? 'POST', headers, String(init.body ?? '')) });
      };
    }
    override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Ctx>): void {
      request.http?.headers.set(PEER_VIEWER_HEADER, encodeViewer(context.viewer));
    }
  }
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ url }) => new SignedSource({ url }) });
  const server = new ApolloServer<Ctx>({ gateway });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' }, context: async ({ req }) => ({ viewer: await caller(req.headers.authorization) }) });
}

async function hive(): Promise<void> {
  // Installed into bench/peers/node_modules on demand only: no compile-time dependency on it.
  const hivePackage = '@graphql-hive/gateway';
  const { createGatewayRuntime } = (await import(hivePackage)) as { createGatewayRuntime(config: Record<string, unknown>): http.RequestListener };
  const viewers = new WeakMap<object, Promise<Viewer>>();
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: 'error',
    plugins: () => [
      {
        async onFetch({ url, options, setOptions, context }: { url: string; options: { method?: string; headers?: Record<string, string>; body?: unknown }; setOptions(o: unknown): void; context?: { request?: Request } }) {
          const request = context?.request;
          if (!context || !request) return;
          let viewer = viewers.get(context);
          if (!viewer) viewers.set(context, (viewer = caller(request.headers.get('authorization'))));
          const headers = { ...(options.headers ?? {}), [PEER_VIEWER_HEADER]: encodeViewer(await viewer) };
          setOptions({ ...options, headers: signHeaders(url, options.method ?? 'POST', headers, String(options.body ?? '')) });
        },
      },
    ],
  });
  await new Promise<void>((resolve) => http.createServer(runtime).listen(port, '127.0.0.1', resolve));
}

(kind === 'apollo' ? apollo() : kind === 'hive' ? hive() : Promise.reject(new Error(`unknown peer ${kind}: apollo or hive`))).catch((e: unknown) => {
  console.error(`peer ${kind} failed to start: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
