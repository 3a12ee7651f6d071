// The checked-in supergraph is what composition makes from schema/*.graphql, and the gateway can load it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSupergraph, SUBGRAPHS, SUPERGRAPH_FILE, SCHEMA_DIR } from '@retail/graph';

test('schema/supergraph.graphql is up to date (run npm run compose)', () => {
  const { supergraphSdl, hints } = composeSupergraph();
  expect(fs.readFileSync(SUPERGRAPH_FILE, 'utf8')).toBe(supergraphSdl);
  expect(hints).toEqual([]);
});

test('every implemented subgraph is in the supergraph and security purposes are dropped for the gateway', () => {
  const sdl = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  for (const s of SUBGRAPHS) expect(sdl).toContain(`@join__graph(name: "${s.name}", url: "http://127.0.0.1:${s.port}/graphql")`);
  expect(sdl).not.toMatch(/authenticated\/v[0-9.]+", for: SECURITY/);
});

test('a composition error is reported, not written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-'));
  for (const s of SUBGRAPHS) fs.copyFileSync(path.join(SCHEMA_DIR, `${s.name}.graphql`), path.join(dir, `${s.name}.graphql`));
  // products declares Store.stock; a conflicting type for Store.id breaks composition
  const broken = fs.readFileSync(path.join(dir, 'products.graphql'), 'utf8').replace(/type Store @key\(fields: "id"\) \{\n  id: ID!/, 'type Store @key(fields: "id") {\n  id: Int!');
  fs.writeFileSync(path.join(dir, 'products.graphql'), broken);
  expect(() => composeSupergraph(dir)).toThrow(/composition failed/);
  fs.rmSync(dir, { recursive: true, force: true });
});
