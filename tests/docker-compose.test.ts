import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SUBGRAPHS } from '@retail/graph';
import { DEVELOPMENT_SECRETS, parseConfig, secretKeys, subgraphPaths } from '@retail/platform';

// No Docker engine runs here: these checks keep docker-compose.yml and the Dockerfile honest instead.
const ROOT = path.resolve(__dirname, '..');

interface Healthcheck {
  test?: string[] | string;
  interval?: string;
  retries?: number;
}

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: Healthcheck;
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const services = Object.entries(compose.services);
const appServices = services.filter(([name]) => name !== 'postgres' && name !== 'redis');

const words = (v: string[] | string | undefined): string[] => (Array.isArray(v) ? v : (v ?? '').split(/\s+/).filter(Boolean));
const hostPorts = (s: Service): number[] => (s.ports ?? []).map((p) => Number(String(p).split(':')[0]));

describe('docker-compose.yml', () => {
  it('has postgres, redis, the gateway and every implemented subgraph', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', 'redis', ...SUBGRAPHS.map((s) => s.name)].sort());
  });

  it.each(services)('%s has an image or a build and a health check', (_name, s) => {
    expect(s.image ?? s.build).toBeTruthy();
    const test = words(s.healthcheck?.test);
    expect(test.length).toBeGreaterThan(1);
    expect(['CMD', 'CMD-SHELL']).toContain(test[0]);
  });

  it('checks PostgreSQL 15 with pg_isready and Redis 7 with redis-cli ping', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:15/);
    expect(words(compose.services.postgres?.healthcheck?.test).join(' ')).toContain('pg_isready');
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    expect(words(compose.services.redis?.healthcheck?.test).join(' ')).toContain('redis-cli ping');
  });

  it('only depends on services that exist, once they are healthy', () => {
    for (const [name, s] of services) {
      for (const [target, dep] of Object.entries(s.depends_on ?? {})) {
        expect([name, target, compose.services[target] !== undefined]).toEqual([name, target, true]);
        expect([name, target, dep.condition]).toEqual([name, target, 'service_healthy']);
      }
    }
  });

  it('starts the subgraphs on PostgreSQL and Redis, and the gateway after every subgraph', () => {
    for (const { name } of SUBGRAPHS) {
      expect(Object.keys(compose.services[name]?.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    }
    expect(Object.keys(compose.services.gateway?.depends_on ?? {})).toEqual(expect.arrayContaining(SUBGRAPHS.map((s) => s.name)));
  });

  it('publishes only the gateway (and no host port twice)', () => {
    expect(services.filter(([, s]) => s.ports?.length).map(([name]) => name)).toEqual(['gateway']);
    const all = services.flatMap(([, s]) => hostPorts(s));
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(SUBGRAPHS.map((s) => [s.name, s.port] as const))('runs subgraph %s on port %i, health-checked there', (name, port) => {
    const s = compose.services[name];
    expect(s).toBeDefined();
    // reachable by the gateway inside the compose network only: nothing is published around the gateway
    expect(s?.ports).toBeUndefined();
    expect(s?.expose).toEqual([String(port)]);
    expect(s?.environment?.PORT).toBe(String(port));
    expect(words(s?.healthcheck?.test).join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
    // compiled JavaScript (npm run build in the Dockerfile), at the entry the registry knows
    expect(words(s?.command)).toEqual(['node', '--conditions=production', path.relative(ROOT, subgraphPaths(SUBGRAPHS.find((g) => g.name === name)!).main.compiled)]);
    expect(compose.services.gateway?.environment?.[`SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(`http://${name}:${port}/graphql`);
  });

  it('runs the gateway on port 4000, health-checked there', () => {
    const g = compose.services.gateway;
    expect(g?.ports).toEqual(['4000:4000']);
    expect(g?.environment?.PORT).toBe('4000');
    expect(words(g?.healthcheck?.test).join(' ')).toContain('http://127.0.0.1:4000/healthz');
    expect(words(g?.command)).toEqual(['node', '--conditions=production', 'gateway/dist/main.js']);
  });

  /** `${VAR:?message}`: compose refuses to start without VAR, and there is no fallback value. */
  const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}:]*\\b${name}\\b[^}]*\\}$`);

  it.each(appServices)('%s gets the database, Redis, NODE_ENV=production and a required INTERNAL_SECRET', (_name, s) => {
    const env = s.environment ?? {};
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.NODE_ENV).toBe('production');
    expect(env.INTERNAL_SECRET).toMatch(required('INTERNAL_SECRET'));
  });

  it('requires JWT_SECRET for the gateway, and gives it to no subgraph', () => {
    expect(compose.services.gateway?.environment?.JWT_SECRET).toMatch(required('JWT_SECRET'));
    for (const { name } of SUBGRAPHS) expect([name, compose.services[name]?.environment?.JWT_SECRET]).toEqual([name, undefined]);
  });

  it('has no fallback value for any secret and no development secret anywhere', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/\$\{(INTERNAL_SECRET|JWT_SECRET)(:?-|-)/);
    for (const key of SUBGRAPHS.flatMap((sg) => secretKeys(sg.settings))) expect(text).not.toMatch(new RegExp(`\\$\\{${key}(:?-|-)`));
    for (const secret of DEVELOPMENT_SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/change-?me/i);
    for (const [, s] of appServices) {
      for (const [key, value] of Object.entries(s.environment ?? {})) if (/SECRET/.test(key)) expect([key, value]).toEqual([key, expect.stringMatching(required(key))]);
    }
  });

  it.each(SUBGRAPHS.map((s) => [s.name, s] as const))("gives subgraph %s its own secret settings, required, and nobody else", (name, subgraph) => {
    // An optional secret (optionalSecretSetting: no default, e.g. a previous key during a rotation) is set only while needed.
    const defaults = parseConfig(subgraph.settings, {}) as Record<string, unknown>;
    for (const key of secretKeys(subgraph.settings).filter((k) => defaults[k] !== undefined)) {
      expect([name, key, compose.services[name]?.environment?.[key]]).toEqual([name, key, expect.stringMatching(required(key))]);
      // A key several subgraphs declare (ACCOUNT_REF_KEY: members and channels) is the same one value in each of them.
      const sharing = new Set(SUBGRAPHS.filter((sg) => secretKeys(sg.settings).includes(key)).map((sg) => sg.name));
      for (const [other, s] of appServices) {
        if (other === name) continue;
        expect([other, key, s.environment?.[key]]).toEqual([other, key, sharing.has(other) ? compose.services[name]?.environment?.[key] : undefined]);
      }
    }
  });

  it('gives every service the same internal secret', () => {
    expect(new Set(appServices.map(([, s]) => s.environment?.INTERNAL_SECRET)).size).toBe(1);
  });

  it.each(appServices)('%s runs the compiled form of a source file that exists in the repository', (_name, s) => {
    const file = words(s.command).find((w) => w.endsWith('.js'));
    expect(file).toMatch(/\/dist\/main\.js$/);
    expect(fs.existsSync(path.join(ROOT, (file ?? '').replace('/dist/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('declares the named volumes it mounts', () => {
    const mounted = services.flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(':')[0] ?? ''));
    for (const v of mounted) expect(Object.keys(compose.volumes ?? {})).toContain(v);
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const ignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());

  it('builds on Node 20 with npm install (never npm ci), compiles, and defaults to the compiled gateway', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) expect(f).toMatch(/^FROM node:20-bookworm-slim\b/);
    expect(instructions.some((l) => /^RUN npm install\b/.test(l))).toBe(true);
    expect(instructions.filter((l) => /\bnpm ci\b/.test(l))).toEqual([]);
    expect(instructions.some((l) => /^RUN npm run build\b/.test(l))).toBe(true);
    expect(instructions[instructions.length - 1]).toBe('CMD ["node", "--conditions=production", "gateway/dist/main.js"]');
  });

  it('keeps node_modules, local data and git out of the build context', () => {
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '.data', '.git']));
  });
});
