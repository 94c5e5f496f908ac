/**
 * Losing registrations are removed (after Go's test/chan/select2.go): a select that parks on several channels and
 * is completed by one of them leaves nothing on the others, so a long-lived channel or a one-hour timer that keeps
 * losing costs no memory and leaves no timer armed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { after, chan, go, recvCase, select, sendCase, Hour } from '../../../runtime/index.js';
import { realClock } from '../../../runtime/sched/real-clock.js';
import { trapPanics } from '../chan/helpers.js';

const N = 100_000;
const MB = 1024 * 1024;

function heapUsed(): number {
  globalThis.gc!();
  globalThis.gc!();
  return process.memoryUsage().heapUsed;
}

/** refTimeouts counts the ref'ed Node timers (the ones that keep the process alive). */
function refTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

let trap: ReturnType<typeof trapPanics>;
beforeEach(() => {
  trap = trapPanics();
});
afterEach(() => {
  expect(trap.restore()).toEqual([]);
});

describe('losing select registrations', () => {
  it('has gc available (vitest runs with --expose-gc)', () => {
    expect(typeof globalThis.gc).toBe('function');
  });

  it('leave no receiver behind on a channel that loses 100,000 parked selects', async () => {
    const c = chan<number>();
    const dummy = chan<number>();
    const run = async (): Promise<void> => {
      go(async () => {
        for (let i = 0; i < N; i++) await c.send(1);
      });
      for (let i = 0; i < N; i++) {
        await select([
          recvCase(c),
          recvCase(dummy, () => {
            throw new Error('dummy chosen');
          }),
        ]);
      }
    };
    await run(); // warm up
    const before = heapUsed();
    await run();
    const grown = heapUsed() - before;
    expect(grown).toBeLessThan(5 * MB);
    expect(dummy.trySend(1)).toBe(false); // a stale registration would take this value
  });

  it('leave no sender behind on a channel that loses 100,000 parked selects', async () => {
    const c = chan<number>();
    const dummy = chan<number>();
    go(async () => {
      for (let i = 0; i < N; i++) await c.recv();
    });
    for (let i = 0; i < N; i++) await select([sendCase(c, i), sendCase(dummy, -1)]);
    expect(dummy.tryRecv()).toBeUndefined();
  });

  it('leave the heap flat and no timer armed when 100,000 selects on a ready channel beat after(1 hour)', async () => {
    const refsBefore = refTimeouts();
    const c = chan<number>(1);
    let wrong = 0;
    const run = async (): Promise<void> => {
      for (let i = 0; i < N; i++) {
        c.trySend(i);
        if ((await select([recvCase(c, (v) => v), recvCase(after(Hour), () => -1)])) !== i) wrong++;
      }
    };
    await run();
    const before = heapUsed();
    await run();
    expect(heapUsed() - before).toBeLessThan(5 * MB);
    expect(wrong).toBe(0);
    expect(realClock.timers.size).toBe(0);
    expect(realClock.timers.refCount).toBe(0);
    expect(refTimeouts()).toBeLessThanOrEqual(refsBefore);
  });

  it('leave the heap flat and no timer armed when 100,000 parked selects are woken by the other case', async () => {
    const refsBefore = refTimeouts();
    const c = chan<number>();
    let maxTimers = 0;
    let wrong = 0;
    const run = async (): Promise<void> => {
      go(async () => {
        for (let i = 0; i < N; i++) {
          maxTimers = Math.max(maxTimers, realClock.timers.size);
          await c.send(i);
        }
      });
      for (let i = 0; i < N; i++) {
        if ((await select([recvCase(after(3_600_000), () => -1), recvCase(c, (v) => v)])) !== i) wrong++;
      }
    };
    await run();
    const before = heapUsed();
    await run();
    expect(heapUsed() - before).toBeLessThan(5 * MB);
    expect(wrong).toBe(0);
    expect(maxTimers).toBe(1); // the parked select's one timer, while it waits
    expect(realClock.timers.size).toBe(0);
    expect(realClock.timers.refCount).toBe(0);
    expect(refTimeouts()).toBeLessThanOrEqual(refsBefore);
  });

  it('leave no registration behind when the select is woken by a close', async () => {
    const a = chan<number>();
    const b = chan<number>();
    const quit = chan<void>();
    const p = select([recvCase(a), sendCase(b, 1), recvCase(quit, () => 'quit'), recvCase(after(Hour))]);
    await new Promise((r) => setImmediate(r));
    expect(realClock.timers.size).toBe(1);
    quit.close();
    expect(await p).toBe('quit');
    expect(a.trySend(1)).toBe(false);
    expect(b.tryRecv()).toBeUndefined();
    expect(realClock.timers.size).toBe(0);
  });

  it('leave no registration behind when the select panics on a send case closed while it was parked', async () => {
    const a = chan<number>();
    const b = chan<number>();
    const p = select([recvCase(a), sendCase(b, 1), recvCase(after(Hour))]);
    await new Promise((r) => setImmediate(r));
    b.close();
    await expect(p).rejects.toThrow('send on closed channel');
    expect(a.trySend(1)).toBe(false);
    expect(realClock.timers.size).toBe(0);
  });
});
