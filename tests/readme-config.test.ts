// The README's configuration table is read from the config code: every setting a service reads is in
// it, and every default it states is the one the code applies.
import fs from 'node:fs';
import path from 'node:path';
import { gatewayConfigShape } from '@retail/gateway';
import { startConfigShape, SUBGRAPHS } from '@retail/graph';
import { parseConfig, subgraphConfigShape, z } from '@retail/platform';

const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
/** variable → its default cell, from rows like "| `NAME` | `default` | meaning |". */
const table = new Map(
  section
    .split('\n')
    .map((line) => /^\| `([A-Z0-9_<>]+)` \| ([^|]+) \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!.trim()]),
);

const shapes: [string, z.ZodRawShape][] = [
  ['gateway', gatewayConfigShape],
  ['subgraph', subgraphConfigShape],
  ['npm start', startConfigShape],
  // A subgraph's own settings (SubgraphDefinition.settings), e.g. members' MEMBER_DATA_KEY.
  ...SUBGRAPHS.filter((s) => Object.keys(s.settings).length > 0).map((s): [string, z.ZodRawShape] => [`subgraph ${s.name}`, s.settings]),
];

test('the table has one row per variable', () => {
  expect(table.size).toBeGreaterThan(15);
});

describe.each(shapes)('%s settings', (_service, shape) => {
  const defaults = parseConfig(shape, {}) as Record<string, unknown>;
  it.each(Object.keys(shape).filter((k) => k !== 'PORT'))('%s is documented with the default the code applies', (key) => {
    const cell = table.get(key);
    expect([key, cell === undefined ? 'missing from the README table' : 'documented']).toEqual([key, 'documented']);
    const value = defaults[key];
    if (value === undefined) expect([key, cell]).toEqual([key, expect.stringMatching(/^—/)]);
    else if (cell === 'development default') expect([key, typeof value]).toEqual([key, 'string']);
    else expect([key, cell]).toEqual([key, `\`${String(value)}\``]);
  });
});

test('PORT names the gateway default and every registered subgraph port', () => {
  const cell = table.get('PORT') ?? '';
  expect(cell).toContain(`gateway \`${parseConfig(gatewayConfigShape, {}).PORT}\``);
  for (const s of SUBGRAPHS) expect(cell).toContain(`${s.name} \`${s.port}\``);
});
