import { OutageLog } from '../src/outage-log';
import { capturedLogger } from '../src/testing/logs';

function outage() {
  const clock = { t: 1_000 };
  const log = capturedLogger();
  const o = new OutageLog({ logger: log.logger, messages: { down: 'down', stillDown: 'still down', up: 'up' }, repeatEveryMs: 60_000, now: () => clock.t });
  return { clock, log, o };
}

describe('OutageLog', () => {
  it('logs once as it starts failing, one reminder a minute, once as it works again', () => {
    const { clock, log, o } = outage();
    for (let i = 0; i < 5; i++) o.failure(new Error('connect ECONNREFUSED'));
    clock.t += 30_000;
    o.failure(new Error('connect ECONNREFUSED'));
    clock.t += 31_000;
    o.failure(new Error('connect ECONNREFUSED'));
    o.success();
    o.success();
    expect(log.messages()).toEqual(['down', 'still down', 'up']);
    expect(log.lines[2]).toMatchObject({ failures: 7, failedForS: 61 });
  });

  it('a success of an attempt begun before the outage does not end it (a server answering as it shuts down)', () => {
    const { clock, log, o } = outage();
    const sentBefore = clock.t;
    clock.t += 5;
    o.failure(new Error('terminating connection due to administrator command'), {}, clock.t);
    o.success({}, sentBefore);
    expect(o.failing).toBe(true);
    clock.t += 10;
    o.failure(new Error('connect ECONNREFUSED'), {}, clock.t);
    clock.t += 1_500;
    o.success({}, clock.t - 2);
    expect(o.failing).toBe(false);
    expect(log.messages()).toEqual(['down', 'up']);
  });

  it('a failure of an attempt begun before the recovery starts no new outage (a connect sent while it was starting)', () => {
    const { clock, log, o } = outage();
    o.failure(new Error('connect ECONNREFUSED'), {}, clock.t);
    clock.t += 1_000;
    const connectSent = clock.t;
    clock.t += 20;
    o.success({}, clock.t - 1);
    clock.t += 5;
    o.failure(new Error('the database system is starting up'), {}, connectSent);
    expect(o.failing).toBe(false);
    // A failure of a later attempt is a new outage.
    clock.t += 5;
    o.failure(new Error('connect ECONNREFUSED'), {}, clock.t);
    expect(o.failing).toBe(true);
    expect(log.messages()).toEqual(['down', 'up', 'down']);
  });

  it('an attempt with no start time counts as begun now', () => {
    const { clock, log, o } = outage();
    o.failure(new Error('x'));
    clock.t += 1;
    o.success();
    clock.t += 1;
    o.failure(new Error('x'));
    expect(log.messages()).toEqual(['down', 'up', 'down']);
  });

  it('a dependency flapping faster than the window: at most three outages logged, the rest summed up in the next line', () => {
    const { clock, log, o } = outage();
    for (let i = 0; i < 6; i++) {
      o.failure(new Error('x'));
      clock.t += 10;
      o.success();
      clock.t += 10;
    }
    expect(log.messages()).toEqual(['down', 'up', 'down', 'up', 'down', 'up']);
    clock.t += 60_000;
    o.failure(new Error('x'));
    expect(log.lines.at(-1)).toMatchObject({ msg: 'down', unloggedOutages: 3 });
  });
});
