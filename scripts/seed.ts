// npm run seed: migrate and load the demo data (README, "Run it") into DATABASE_URL, or the embedded database.
import { Database, baseConfigShape, loadConfigOrExit, resolveDatabaseUrl, type BaseConfig } from '@retail/platform';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';

async function main(): Promise<void> {
  // The subgraphs' own settings too (members' seed encrypts with MEMBER_DATA_KEY): one `config:` line for every problem.
  const config = loadConfigOrExit({ ...baseConfigShape, ...Object.assign({}, ...SUBGRAPHS.map((s) => s.settings)) }) as BaseConfig;
  const resolved = await resolveDatabaseUrl(config);
  const db = new Database({ url: resolved.url, service: 'seed', embedded: resolved.embedded });
  try {
    await prepareDatabase(db, { seed: 'always', log: (l) => console.log(l) });
    console.log(`demo data loaded into ${resolved.embedded ? `the embedded database (${config.DATA_DIR})` : 'DATABASE_URL'}`);
  } finally {
    await db.close();
    await resolved.server?.stop();
  }
}

main().catch((e) => {
  console.error(`seed failed: ${(e as Error).message}`);
  process.exit(1);
});
