/**
 * Timers longer than Node's setTimeout limit (2^31-1 ms, about 24.8 days) and Node timers that fire early: the real
 * clock reaches a far entry in bounded steps, silently, and fires an entry only once the clock has reached it. No
 * real waiting: a RealClock runs on a fake host, and the thread's real clock is watched through a spy on setTimeout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  background,
  chan,
  go,
  Hour,
  newTimer,
  recvCase,
  select,
  withDeadline,
  withTimeout,
  after,
  nowMillis,
} from '../../../runtime/index.js';
import { newEntry } from '../../../runtime/sched/timer-heap.js';
import { MAX_TIMEOUT, RealClock, type TimerHandle, type TimerHost } from '../../../runtime/sched/real-clock.js';
import { runFixture } from '../../fixtures/run.js';

/** FakeHost is a TimerHost whose time moves only when the test says, and whose one pending timeout the test fires. */
class FakeHost implements TimerHost {
  readonly origin = 0;
  ms = 1000;
  /** armed is every delay passed to setTimeout, in order. */
  readonly armed: number[] = [];
  pending: { f: () => void; cleared: boolean } | null = null;

  now(): number {
    return this.ms;
  }

  setTimeout(f: () => void, ms: number): TimerHandle {
    this.armed.push(ms);
    const t = { f, cleared: false };
    this.pending = t;
    return { ref: () => t, unref: () => t, t } as TimerHandle;
  }

  clearTimeout(h: TimerHandle): void {
    (h as unknown as { t: { cleared: boolean } }).t.cleared = true;
  }

  /** fire moves time forward by `ms` and runs the pending timeout, as Node would after that long. */
  fire(ms: number): void {
    const t = this.pending;
    expect(t).not.toBeNull();
    expect(t!.cleared).toBe(false);
    this.pending = null;
    this.ms += ms;
    t!.f();
  }
}

const MS = 1e6; // ns per ms
const Day = 24 * Hour;

describe('RealClock: long timers', () => {
  it('reaches an entry 30 days away in steps of at most 2^31-1 ms, and fires it once there', () => {
    const host = new FakeHost();
    const clock = new RealClock(host);
    let fired = 0;
    const when = clock.nanotime() + 30 * Day * MS;
    clock.timers.add(
      newEntry(() => fired++, true),
      when,
    );
    expect(host.armed).toEqual([MAX_TIMEOUT]);
    host.fire(MAX_TIMEOUT);
    expect(fired).toBe(0);
    expect(host.armed).toEqual([MAX_TIMEOUT, 30 * Day - MAX_TIMEOUT]);
    host.fire(30 * Day - MAX_TIMEOUT);
    expect(fired).toBe(1);
    expect(clock.nanotime()).toBe(when);
    expect(clock.timers.size).toBe(0);
  });

  it('re-arms for an earlier entry added while it steps towards a far one', () => {
    const host = new FakeHost();
    const clock = new RealClock(host);
    const order: string[] = [];
    clock.timers.add(
      newEntry(() => order.push('far'), true),
      clock.nanotime() + 100 * Day * MS,
    );
    host.fire(MAX_TIMEOUT);
    clock.timers.add(
      newEntry(() => order.push('near'), true),
      clock.nanotime() + 5 * MS,
    );
    expect(host.armed.slice(-1)).toEqual([5]);
    host.fire(5);
    expect(order).toEqual(['near']);
    expect(host.armed.slice(-1)).toEqual([MAX_TIMEOUT]);
    expect(Math.max(...host.armed)).toBe(MAX_TIMEOUT);
  });

  it('never fires an entry before the clock reaches it, when Node fires early', () => {
    const host = new FakeHost();
    const clock = new RealClock(host);
    let fired = 0;
    // 2.5 ms: armed for 3 (Node truncates delays to whole ms, so rounding down would fire early).
    clock.timers.add(
      newEntry(() => fired++, true),
      clock.nanotime() + 2.5 * MS,
    );
    expect(host.armed).toEqual([3]);
    host.fire(2.4); // Node measured from the start of its loop iteration: a fraction early
    expect(fired).toBe(0);
    expect(host.armed).toEqual([3, 1]);
    host.fire(0.1);
    expect(fired).toBe(1);
  });

  it('counts its time in whole nanoseconds', () => {
    const host = new FakeHost();
    host.ms = 1234.5678904;
    expect(new RealClock(host).nanotime()).toBe(1_234_567_890);
  });
});

describe('the real clock: timers of more than 24.8 days', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`);
  };

  afterEach(() => {
    process.off('warning', onWarning);
    vi.restoreAllMocks();
  });

  /** settle lets the event loop turn a few times, so that warnings are emitted and 1 ms re-arms would show. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
  };

  it('arms Node timers of at most 2^31-1 ms and emits no TimeoutOverflowWarning (newTimer, after, withTimeout, withDeadline)', async () => {
    warnings.length = 0;
    process.on('warning', onWarning);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const quit = chan<void>();
    const parked: Promise<unknown>[] = [];
    const t = newTimer(40 * Day);
    const [c1, cancel1] = withTimeout(background(), 50 * Day);
    const [c2, cancel2] = withDeadline(background(), nowMillis() + 60 * Day);
    // Park a goroutine on each, so that each timer is in the heap and keeps the process alive.
    for (const c of [t.c, after(45 * Day), c1.done(), c2.done()]) {
      parked.push(new Promise((resolve) => go(async () => resolve(await select([recvCase(c), recvCase(quit)])))));
    }
    await settle();
    const delays = spy.mock.calls.map((c) => c[1] ?? 0);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.filter((d) => d > MAX_TIMEOUT)).toEqual([]);
    // The heap's Node timer was armed once for the earliest step: no 1 ms re-arm loop.
    expect(delays.filter((d) => d === MAX_TIMEOUT).length).toBe(1);
    expect(warnings).toEqual([]);
    quit.close();
    await Promise.all(parked);
    t.stop();
    cancel1();
    cancel2();
  });

  it('sleeps for 30 days with one Node timer and no TimeoutOverflowWarning', () => {
    // sleep cannot be canceled, so it runs in a child process that exits on its own after a few event-loop turns.
    const r = runFixture(
      `import * as g from './runtime/index.js';
       const warnings = [];
       process.on('warning', (w) => warnings.push(w.name));
       const real = globalThis.setTimeout;
       const delays = [];
       globalThis.setTimeout = (f, ms, ...a) => { delays.push(ms); return real(f, ms, ...a); };
       g.go(async () => { await g.sleep(30 * 24 * g.Hour); });
       let turns = 0;
       const spin = () => (++turns < 20 ? real(spin, 1) : (console.log(JSON.stringify({ warnings, delays })), process.exit(0)));
       real(spin, 1);`,
      { eval: true },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ warnings: [], delays: [MAX_TIMEOUT] });
  });
});
