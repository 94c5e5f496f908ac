/**
 * Head-of-line blocking: a goroutine never waits behind one that blocks its worker while another worker is idle.
 * Short goroutines batched on a worker behind a blocking (or endless) one move to the idle worker, and those that
 * finished before it are reported at once. No wall-clock margins: the specs count completions while the blocking
 * goroutine still blocks (it cannot end before the spec releases it).
 */
import { describe, expect, it } from 'vitest';
import { go, goThread, configureThreads } from '../../../runtime/index.js';
import { add, block, mark, release, spinForever, where } from './tasks/basic.js';
import { until, useThreads } from './use-threads.js';

useThreads({ threads: 2 });

const flags = (n = 4): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

/** warm returns once both workers have run goroutines, so both are up, asking, and have measured `add`. */
async function warm(): Promise<void> {
  const end = Date.now() + 20_000; // a worker starting under tsx on a loaded machine can take seconds
  while (Date.now() < end) {
    const rs = await Promise.all(Array.from({ length: 8 }, () => goThread(where, 1)));
    await Promise.all(Array.from({ length: 64 }, (_, k) => goThread(add, k, 1)));
    if (new Set(rs.map((r) => r.slot)).size === 2) return;
  }
  throw new Error('warm: the two workers never both ran');
}

/** settled counts the promises in `ps` that have settled, as they do. */
function counter(ps: Promise<unknown>[]): { readonly n: number } {
  const c = { n: 0 };
  for (const p of ps) void p.then(() => c.n++, () => c.n++);
  return c;
}

/** waitCount waits for `c.n` to reach `n` (or gives up after a while), then checks it did: the count is the test. */
async function waitCount(c: { readonly n: number }, n: number): Promise<void> {
  await until(() => c.n >= n).catch(() => undefined);
  expect(c.n).toBe(n);
}

describe('work stealing', () => {
  for (const before of [0, 5]) {
    it(`runs all 20 short goroutines submitted with a blocking one (${before} ahead of it) while it blocks`, async () => {
      await warm();
      const f = flags();
      let blocked = true;
      const ahead = Array.from({ length: before }, (_, i) => goThread(add, i, 1));
      const blocker = goThread(block, f).then((slot) => {
        blocked = false;
        return slot;
      });
      const behind = Array.from({ length: 20 - before }, (_, i) => goThread(add, i, 1));
      const done = counter([...ahead, ...behind]);
      await waitCount(done, 20);
      await until(() => Atomics.load(f, 0) === 1); // it may have waited in a queue: an idle worker took the rest
      expect(blocked).toBe(true);
      expect(await Promise.all([...ahead, ...behind])).toEqual([
        ...Array.from({ length: before }, (_, i) => i + 1),
        ...Array.from({ length: 20 - before }, (_, i) => i + 1),
      ]);
      release(f);
      expect(await blocker).toBeGreaterThan(0);
    });
  }

  it('runs every go goroutine of a burst beside an endless one, before shutdown', async () => {
    await warm();
    const f = flags(64);
    go(spinForever, f);
    for (let i = 1; i < 40; i++) go(mark, f, i);
    await until(() => f.slice(1, 40).every((x) => x === 1)).catch(() => undefined);
    expect(f.slice(1, 40).filter((x) => x === 1).length).toBe(39);
    expect(Atomics.load(f, 0)).toBe(1);
  });

  it('keeps stealing from a worker that stays blocked, across many bursts', async () => {
    await warm();
    const f = flags();
    const blocker = goThread(block, f);
    await until(() => Atomics.load(f, 0) === 1);
    for (let round = 0; round < 10; round++) {
      const rs = Array.from({ length: 50 }, (_, i) => goThread(add, round, i));
      const done = counter(rs);
      await waitCount(done, 50);
    }
    release(f);
    expect(await blocker).toBeGreaterThan(0);
  });

  it('leaves a goroutine to wait for a busy worker only while every worker is busy', async () => {
    configureThreads({ threads: 2, goroutinesPerThread: 1 });
    const a = flags();
    const b = flags();
    const first = goThread(block, a);
    const second = goThread(block, b);
    await until(() => Atomics.load(a, 0) === 1 && Atomics.load(b, 0) === 1, 20_000);
    const waiting = goThread(add, 1, 2);
    const done = counter([waiting]);
    release(a);
    await waitCount(done, 1);
    expect(await waiting).toBe(3);
    release(b);
    expect((await Promise.all([first, second])).sort()).toHaveLength(2);
  });
});
