/**
 * Pool metrics add up: every submit call is counted once in submitted and, once it has ended, once in exactly one
 * of completed, failed, canceled and rejected, whatever the schedule of submits, cancels, restarts and stops. A
 * seeded property test over random schedules, on the virtual clock, plus the cases that used to be lost.
 */
import { describe, expect, it } from 'vitest';
import { type Context, recvCase, select, synctest, after, sleep } from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  FixedWorkerPool,
  DynamicWorkerPool,
  isPoolFullError,
  isWorkerRestartedError,
  type PoolMetrics,
  type PoolProgress,
} from '../../../patterns/index.js';
import { rng } from '../../prng.js';

/** work sleeps |input| ms (virtual time), honouring its Context; a negative input fails after its sleep. */
const work = async (x: number, ctx: Context): Promise<number> => {
  const done = ctx.done();
  if (done === null) await sleep(Math.abs(x));
  else await select([recvCase(after(Math.abs(x))), recvCase(done)]);
  if (x < 0) throw new RangeError(`bad input ${x}`);
  return x;
};

/** stuck never ends unless its Context is canceled... and not even then: restartUnhealthyWorkers must cancel it. */
const stuck = (): Promise<never> => new Promise<never>(() => {});

const sum = (m: PoolMetrics): number => m.completed + m.failed + m.canceled + m.rejected;

describe('pool metrics', () => {
  it("count the queued jobs that stop({ mode: 'cancel' }) fails as canceled", () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: work });
      const ps = [100, 100, 100].map((x) => pool.submit(x).catch((e: unknown) => e));
      await synctest.wait();
      await pool.stop({ mode: 'cancel' });
      for (const e of await Promise.all(ps)) expect(isPatternStoppedError(e)).toBe(true);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed, m.canceled, m.rejected]).toEqual([3, 0, 0, 3, 0]);
    }));

  it('count the submits that a draining stop() refuses while they wait for room as rejected', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: work, queueSize: 1 });
      const ps = [100, 100, 100].map((x) => pool.submit(x).catch((e: unknown) => e));
      await synctest.wait();
      await pool.stop();
      const [a, b, c] = await Promise.all(ps);
      expect([a, b]).toEqual([100, 100]);
      expect(isPatternStoppedError(c)).toBe(true);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed, m.canceled, m.rejected]).toEqual([3, 2, 0, 0, 1]);
    }));

  it('count submits made after stop() in submitted and rejected', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: work });
      expect(await pool.submit(1)).toBe(1);
      await pool.stop();
      expect(isPatternStoppedError(await pool.submit(2).catch((e: unknown) => e))).toBe(true);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.rejected]).toEqual([2, 1, 1]);
      expect(sum(m)).toBe(m.submitted);
    }));

  it('count a job ended by restartUnhealthyWorkers as canceled, and its error in errors', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: stuck, stuckAfter: 10 });
      const p = pool.submit(1).catch((e: unknown) => e);
      await sleep(100);
      await pool.restartUnhealthyWorkers();
      expect(isWorkerRestartedError(await p)).toBe(true);
      await pool.stop({ mode: 'cancel' });
      const m = pool.getMetrics();
      expect([m.submitted, m.canceled, m.failed, m.errors]).toEqual([1, 1, 0, 1]);
    }));

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`add up over a random schedule of submits, cancels, restarts and stops (seed ${seed})`, () =>
      synctest.run(async () => {
        const r = rng(seed);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
        const cfg = {
          worker: work,
          queueSize: pick([0, 1, 3, 16]),
          onFull: pick(['wait', 'reject'] as const),
          loadBalancing: pick(['least-loaded', 'round-robin'] as const),
          stuckAfter: 30,
        };
        const pool = r() < 0.5 ? new FixedWorkerPool<number, number>(pick([1, 2, 3]), cfg) : new DynamicWorkerPool<number, number>({ ...cfg, minWorkers: 1, maxWorkers: 3 });
        const outcomes: Promise<string>[] = [];
        const aborts: AbortController[] = [];
        for (let step = 0; step < 60; step++) {
          const x = r();
          if (x < 0.45) {
            const input = (r() < 0.15 ? -1 : 1) * (1 + Math.floor(r() * 50));
            const ac = r() < 0.3 ? new AbortController() : null;
            if (ac !== null) aborts.push(ac);
            const p = ac === null ? pool.submit(input) : pool.submit(input, { signal: ac.signal });
            outcomes.push(p.then(() => 'ok', (e: unknown) => (e instanceof RangeError ? 'failed' : isPoolFullError(e) ? 'full' : 'other')));
          } else if (x < 0.6 && aborts.length > 0) {
            aborts.splice(Math.floor(r() * aborts.length), 1)[0]!.abort(new Error('changed my mind'));
          } else if (x < 0.63) {
            await pool.restartUnhealthyWorkers();
          } else if (x < 0.68) {
            const stopping = pool.stop({ mode: pick(['drain', 'cancel'] as const) });
            if (r() < 0.5) await stopping;
            else void stopping;
          } else if (x < 0.72) {
            await pool.start().catch(() => undefined); // refused while stopping: the next submits are rejected
          } else {
            await sleep(Math.floor(r() * 40));
          }
          const m = pool.getMetrics();
          // Never more ended than submitted, at any point.
          expect(sum(m)).toBeLessThanOrEqual(m.submitted);
        }
        await pool.stop({ mode: pick(['drain', 'cancel'] as const) });
        const seen = await Promise.all(outcomes);
        const m = pool.getMetrics();
        expect(m.submitted).toBe(outcomes.length);
        expect(sum(m)).toBe(m.submitted);
        expect(m.completed).toBe(seen.filter((o) => o === 'ok').length);
        expect(m.failed).toBe(seen.filter((o) => o === 'failed').length);
        expect(m.rejected).toBeGreaterThanOrEqual(seen.filter((o) => o === 'full').length);
        expect(m.canceled + m.rejected).toBe(seen.filter((o) => o === 'other' || o === 'full').length);
      }));
  }

  // The same over the paths added for streaming: enqueue (admission only), map (given up on its first error, its
  // cancel or stop()), pause and resume, and pools with priorities. Every submit of any kind still ends in exactly one
  // count, the pool is idle once stopped, and progress's last snapshot agrees with getMetrics.
  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
    it(`add up over a random schedule with enqueue, map, pause and priorities (seed ${seed})`, () =>
      synctest.run(async () => {
        const r = rng(seed);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
        const priorities = r() < 0.5;
        const cfg = {
          worker: work,
          queueSize: pick([1, 3, 16]),
          onFull: pick(['wait', 'reject'] as const),
          loadBalancing: priorities ? ('least-loaded' as const) : pick(['least-loaded', 'round-robin'] as const),
          priorities,
          stuckAfter: 30,
        };
        const pool = r() < 0.5 ? new FixedWorkerPool<number, number>(pick([1, 2, 3]), cfg) : new DynamicWorkerPool<number, number>({ ...cfg, minWorkers: 1, maxWorkers: 3 });
        const ends: Promise<unknown>[] = [];
        const aborts: AbortController[] = [];
        const maps: { stop(): void }[] = [];
        const input = (): number => (r() < 0.15 ? -1 : 1) * (1 + Math.floor(r() * 50));
        const prio = (): { priority?: number } => (priorities ? { priority: Math.floor(r() * 3) } : {});
        for (let step = 0; step < 60; step++) {
          const x = r();
          if (x < 0.2) {
            const ac = r() < 0.3 ? new AbortController() : null;
            if (ac !== null) aborts.push(ac);
            ends.push(pool.submit(input(), { ...prio(), ...(ac === null ? {} : { signal: ac.signal }) }).catch(() => undefined));
          } else if (x < 0.4) {
            const ac = r() < 0.3 ? new AbortController() : null;
            if (ac !== null) aborts.push(ac);
            ends.push(pool.enqueue(input(), { ...prio(), ...(ac === null ? {} : { signal: ac.signal }) }).catch(() => undefined));
          } else if (x < 0.46) {
            const ac = new AbortController();
            aborts.push(ac);
            const out = pool.map(Array.from({ length: 1 + Math.floor(r() * 6) }, input), {
              ...prio(),
              signal: ac.signal,
              ordered: r() < 0.5,
              stopOnError: r() < 0.7,
              concurrency: 1 + Math.floor(r() * 4),
            });
            maps.push(out);
            ends.push((async () => { for await (const _ of out); })().catch(() => undefined));
          } else if (x < 0.52 && aborts.length > 0) {
            aborts.splice(Math.floor(r() * aborts.length), 1)[0]!.abort(new Error('changed my mind'));
          } else if (x < 0.55 && maps.length > 0) {
            pick(maps).stop();
          } else if (x < 0.6) {
            if (pool.isPaused()) pool.resume();
            else pool.pause();
          } else if (x < 0.62) {
            await pool.restartUnhealthyWorkers();
          } else if (x < 0.66) {
            const stopping = pool.stop({ mode: pick(['drain', 'cancel'] as const) });
            if (r() < 0.5) await stopping;
            else void stopping;
          } else if (x < 0.7) {
            await pool.start().catch(() => undefined);
          } else {
            await sleep(Math.floor(r() * 40));
          }
          const m = pool.getMetrics();
          expect(sum(m)).toBeLessThanOrEqual(m.submitted);
        }
        for (const ac of aborts) ac.abort(new Error('the end'));
        await pool.start().catch(() => undefined); // progress follows one run of the pool: until its stop
        const progress = pool.progress();
        await pool.stop({ mode: pick(['drain', 'cancel'] as const) });
        await Promise.all(ends);
        await pool.onIdle(); // at once: nothing is left in flight
        const m = pool.getMetrics();
        expect(sum(m)).toBe(m.submitted);
        let last: PoolProgress | undefined;
        for await (const p of progress) last = p;
        expect(last).toMatchObject({ submitted: m.submitted, completed: m.completed, failed: m.failed, canceled: m.canceled, rejected: m.rejected, idle: true });
      }));
  }
});
