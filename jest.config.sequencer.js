// The order jest hands test files to its workers (jest.config.js testSequencer). Jest's own order: files that
// failed last time first, then the slowest by its recorded timings, and with no timings (a fresh clone, as in CI)
// the largest files first. That puts the process-spawning files, small but the slowest, in the middle of the run.
// Here they start first, so the run does not end on one worker still busy with one of them while the other idles.
// The fault scenarios (tests/faults) go last: each boots the whole graph as processes and mostly waits on its
// faults, so they fill the end of the run, beside each other and the shortest files (the two whose bounds a busy
// neighbour would break run alone afterwards: package.json "test").
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const SLOWEST = ['tests/production-start.test.ts', 'tests/production-secrets.test.ts', 'tests/embedded-start.test.ts'];

const rank = (file) => {
  const relative = path.relative(__dirname, file).split(path.sep).join('/');
  if (relative.startsWith('tests/faults/')) return 2;
  return SLOWEST.includes(relative) ? 0 : 1;
};

class SlowestFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const position = new Map(ordered.map((test, i) => [test, i]));
    return [...ordered].sort((a, b) => rank(a.path) - rank(b.path) || position.get(a) - position.get(b));
  }
}

module.exports = SlowestFirst;
