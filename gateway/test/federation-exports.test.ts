// The gateway's process swaps @apollo/federation-internals' index for a plain object (gateway/src/federation-exports.ts,
// docs/performance.md "Re-export getters"). Checked in a process of its own: jest keeps a module registry of its own.
import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// Every object handed out for the package is watched: the first (the real index, with its getters) and the ones
// @apollo/gateway's modules get (which must have none: the swap has to come before they load).
const CHECK = `
const Module = require('node:module');
const load = Module._load;
const handed = [];
Module._load = function (request, parent) {
  const out = load.apply(this, arguments);
  if (request === '@apollo/federation-internals') handed.push({ to: parent ? parent.filename : '', out });
  return out;
};
require('./gateway/src/server.ts');
const getters = (o) => Object.keys(o).filter((k) => typeof Object.getOwnPropertyDescriptor(o, k).get === 'function').length;
const real = handed[0].out;
const toGateway = handed.filter((h) => h.to.includes('/@apollo/gateway/'));
const flat = require('@apollo/federation-internals');
console.log(JSON.stringify({
  gettersOfTheRealIndex: getters(real),
  gatewayModulesServed: toGateway.length,
  gettersSeenByTheGateway: toGateway.reduce((n, h) => n + getters(h.out), 0),
  sameNames: JSON.stringify(Object.keys(flat)) === JSON.stringify(Object.keys(real)),
  sameValues: Object.keys(real).every((k) => flat[k] === real[k]),
  esModule: flat.__esModule === true,
}));
`;

test('in the gateway process, the index of @apollo/federation-internals holds plain values, the same ones', async () => {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '-e', CHECK], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(r.gettersOfTheRealIndex).toBeGreaterThan(100); // what it undoes: a getter per name
  expect(r.gatewayModulesServed).toBeGreaterThan(0);
  expect(r).toEqual({ ...r, gettersSeenByTheGateway: 0, sameNames: true, sameValues: true, esModule: true });
}, 60_000);
