import { processFaultHandlers, registry } from '../src';
import { capturedLogger } from '../src/testing/logs';

const rejections = async () => (await registry.getSingleMetricAsString('process_unhandled_rejections_total')).match(/ (\d+)$/m)?.[1];

test('a promise that failed with nobody awaiting it is logged with its stack and counted; the process keeps running', async () => {
  const { logger, lines } = capturedLogger();
  const exits: number[] = [];
  const before = Number(await rejections());
  processFaultHandlers(logger, (code) => exits.push(code)).unhandledRejection(new Error('nobody awaited me'));
  expect(exits).toEqual([]);
  expect(Number(await rejections())).toBe(before + 1);
  expect(lines).toEqual([expect.objectContaining({ level: 50, msg: expect.stringContaining('nobody awaiting it'), err: expect.objectContaining({ message: 'nobody awaited me', stack: expect.stringContaining('process-faults.test.ts') }) })]);
});

test('an uncaught exception is logged as one fatal line with its stack, then the process exits 1', () => {
  const { logger, lines } = capturedLogger();
  const exits: number[] = [];
  processFaultHandlers(logger, (code) => exits.push(code)).uncaughtException(new TypeError('state is half-changed'));
  expect(exits).toEqual([1]);
  expect(lines).toEqual([expect.objectContaining({ level: 60, msg: 'uncaught exception; exiting', err: expect.objectContaining({ type: 'TypeError', message: 'state is half-changed' }) })]);
});
