// Every subgraph has the rooms docs/adding-a-subgraph.md describes, imports no dev script and no other
// subgraph's code, and its port is written in one place.
import fs from 'node:fs';
import path from 'node:path';
import { SUBGRAPHS } from '@retail/graph';

const ROOT = path.resolve(__dirname, '..');

const ROOMS = [
  'package.json',
  'tsconfig.build.json',
  'migrations',
  'src/index.ts',
  'src/main.ts',
  'src/model.ts',
  'src/loaders.ts',
  'src/resolvers/Query.ts',
  'src/commands',
  'src/repo',
  'src/domain',
  'src/events/publishes.ts',
  'src/events/consumes.ts',
  'src/jobs/index.ts',
  'src/demo/index.ts',
  'src/demo/data.ts',
  'test',
];

/** Every .ts file below a folder (dist/ and node_modules/ aside). */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name === 'node_modules' ? [] : sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const importsOf = (file: string): string[] => [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]!);

describe.each(SUBGRAPHS.map((s) => [s.name, s] as const))('subgraph %s', (name, subgraph) => {
  const dir = subgraph.dir;

  it('lives in subgraphs/<name>', () => {
    expect(path.relative(ROOT, dir)).toBe(`subgraphs/${name}`);
  });

  it.each(ROOMS)('has %s', (room) => {
    expect(fs.existsSync(path.join(dir, room))).toBe(true);
  });

  it('checks its configuration before loading its code: main.ts and settings.ts import only the light entry', () => {
    // `require` (not import) loads src/index.ts once the configuration is accepted (runSubgraphProcess).
    const requiresOf = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]!);
    const main = path.join(dir, 'src/main.ts');
    const settings = path.join(dir, 'src/settings.ts');
    const staticImports = [...fs.readFileSync(main, 'utf8').matchAll(/from\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(staticImports.filter((i) => i !== '@retail/platform/config' && i !== './settings')).toEqual([]);
    expect(requiresOf(main)).toEqual(['./index']);
    if (fs.existsSync(settings)) expect(importsOf(settings).filter((i) => i !== '@retail/platform/config')).toEqual([]);
  });

  it('has one file per mutation in commands/, named in kebab-case', () => {
    const files = fs.readdirSync(path.join(dir, 'src/commands'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
  });

  it('names its modules in kebab-case (resolvers after their GraphQL type)', () => {
    for (const file of sources(path.join(dir, 'src'))) {
      const rel = path.relative(path.join(dir, 'src'), file);
      if (rel.startsWith(`resolvers${path.sep}`)) expect(path.basename(rel)).toMatch(/^[A-Z][A-Za-z0-9]*\.ts$/);
      else expect(rel).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*\/)*[a-z0-9]+(-[a-z0-9]+)*\.ts$/);
    }
  });

  it('imports no dev script and no other subgraph except its ./demo export', () => {
    const others = SUBGRAPHS.filter((s) => s.name !== name).map((s) => s.name);
    for (const file of [...sources(path.join(dir, 'src')), ...sources(path.join(dir, 'test'))]) {
      for (const spec of importsOf(file)) {
        const resolved = spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), spec)) : spec;
        const where = `${path.relative(ROOT, file)} imports ${spec}`;
        expect([where, resolved.startsWith('scripts')]).toEqual([where, false]);
        for (const other of others) {
          const ok = resolved === `@retail/${other}/demo` || resolved === `subgraphs/${other}/src/demo`;
          const touches = resolved.startsWith(`@retail/${other}`) || resolved.startsWith(`subgraphs/${other}/`);
          expect([where, touches && !ok]).toEqual([where, false]);
        }
      }
    }
  });
});

test('a subgraph port is written once in the code: in its definition', () => {
  const code = ['platform/src', 'gateway/src', 'graph/src', 'scripts', 'bench', ...SUBGRAPHS.map((s) => path.relative(ROOT, s.dir))].flatMap((d) => sources(path.join(ROOT, d)));
  for (const s of SUBGRAPHS) {
    const mentions = code.filter((f) => new RegExp(`\\b${s.port}\\b`).test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(mentions).toEqual([`subgraphs/${s.name}/src/index.ts`]);
  }
});
