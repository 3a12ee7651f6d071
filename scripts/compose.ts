// npm run compose            writes schema/supergraph.graphql
// npm run compose -- --check exits 1 when the checked-in supergraph is stale
import fs from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE, SUBGRAPHS } from '@retail/graph';

try {
  const { supergraphSdl, hints } = composeSupergraph();
  for (const h of hints) console.log(`hint: ${h}`);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(SUPERGRAPH_FILE) ? fs.readFileSync(SUPERGRAPH_FILE, 'utf8') : '';
    if (current !== supergraphSdl) {
      console.error('schema/supergraph.graphql is stale: run npm run compose');
      process.exit(1);
    }
    console.log(`supergraph up to date (${SUBGRAPHS.map((s) => s.name).join(', ')})`);
  } else {
    fs.writeFileSync(SUPERGRAPH_FILE, supergraphSdl);
    console.log(`composed ${SUBGRAPHS.length} subgraphs (${SUBGRAPHS.map((s) => s.name).join(', ')}): 0 errors, ${hints.length} hints`);
  }
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
