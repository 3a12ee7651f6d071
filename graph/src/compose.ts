import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { SUBGRAPHS } from './registry';

export const SCHEMA_DIR = path.resolve(__dirname, '../../schema');
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql');

export interface ComposeResult {
  supergraphSdl: string;
  hints: string[];
}

/**
 * Composes schema/<name>.graphql. @apollo/gateway 2.14 refuses a supergraph that links
 * @authenticated/@requiresScopes `for: SECURITY`, so only that purpose is dropped (the directives stay
 * as documentation; the subgraphs enforce them), and the result must load with Supergraph.build.
 */
export function composeSupergraph(dir: string = SCHEMA_DIR): ComposeResult {
  // Each subgraph's URL in the supergraph carries its registered port; the gateway takes its service list from there.
  const services = SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    typeDefs: parse(fs.readFileSync(path.join(dir, `${name}.graphql`), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors?.length) throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.extensions?.code ?? ''} ${e.message}`).join('\n')}`);
  if (!result.supergraphSdl) throw new Error("composition produced no supergraph");
  let sdl: string = result.supergraphSdl;
  for (const feature of ['authenticated', 'requiresScopes']) {
    const linked = new RegExp(`(@link\\(url: "https://specs\\.apollo\\.dev/${feature}/v[0-9.]+")(, for: SECURITY)\\)`);
    if (sdl.includes(`specs.apollo.dev/${feature}/`)) {
      if (!linked.test(sdl)) throw new Error(`unexpected @link for ${feature} in the supergraph`);
      sdl = sdl.replace(linked, '$1)');
    }
  }
  Supergraph.build(sdl);
  return { supergraphSdl: sdl, hints: (result.hints ?? []).map((h) => h.message) };
}
