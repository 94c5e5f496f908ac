/**
 * Pools as people use them (issue 11, section 5): onIdle, onEmpty, onSizeLessThan, enqueue (admission apart from
 * completion), progress, pause and resume. Everything runs on the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  withCancelCause,
  type Context,
  background,
  synctest,
  nowMillis,
  sleep,
  isInvalidArgumentError,
} from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  DynamicWorkerPool,
  FixedWorkerPool,
  isPoolFullError,
  type PoolProgress,
} from '../../../patterns/index.js';

const sleeper = async (ms: number): Promise<number> => {
  await sleep(ms);
  return ms;
};

/** at records the virtual time at which `p` settles. */
const at = (p: Promise<unknown>): Promise<number> => p.then(() => nowMillis(), () => -nowMillis());

describe('onIdle, onEmpty, onSizeLessThan', () => {
  it('resolve at once on a pool with nothing queued or running', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: sleeper });
      const t0 = nowMillis();
      await pool.onIdle();
      await pool.onEmpty();
      await pool.onSizeLessThan(1);
      expect(nowMillis()).toBe(t0);
      await pool.stop();
    }));

  it('onEmpty resolves when the last queued job is taken, onIdle when the last one has ended', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const t0 = nowMillis();
      const jobs = [100, 100, 100].map((ms) => pool.submit(ms));
      const empty = at(pool.onEmpty());
      const idle = at(pool.onIdle());
      await Promise.all(jobs);
      // the third job is taken at 200 and ends at 300
      expect((await empty) - t0).toBe(200);
      expect((await idle) - t0).toBe(300);
      await pool.stop();
    }));

  it('onSizeLessThan(n) resolves once fewer than n jobs are queued', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const t0 = nowMillis();
      const jobs = [10, 10, 10, 10, 10].map((ms) => pool.submit(ms));
      expect(pool.getQueueLength()).toBe(5); // nothing taken yet: the worker runs after this goroutine yields
      const lt4 = at(pool.onSizeLessThan(4));
      const lt2 = at(pool.onSizeLessThan(2));
      await Promise.all(jobs);
      expect((await lt4) - t0).toBe(10); // taken: #1 at 0, #2 at 10
      expect((await lt2) - t0).toBe(30); // #4 taken at 30 leaves one queued
      await pool.stop();
    }));

  it('count a submit waiting for room as not idle', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 1 });
      const t0 = nowMillis();
      const jobs = [50, 50, 50].map((ms) => pool.submit(ms)); // the third waits for room
      await synctest.wait();
      expect(pool.getQueueLength()).toBe(1);
      await pool.onIdle();
      expect(nowMillis() - t0).toBe(150);
      await Promise.all(jobs);
      await pool.stop();
    }));

  it('reject with the cancel reason (signal.reason, or the context cause)', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const job = pool.submit(1000);
      const ac = new AbortController();
      const idle = pool.onIdle({ signal: ac.signal }).catch((e: unknown) => e);
      const [ctx, cancel] = withCancelCause(background());
      const empty = pool.onSizeLessThan(0, { cancel: ctx }).catch((e: unknown) => e);
      await sleep(10);
      const why = new Error('enough');
      ac.abort(why);
      cancel(why);
      expect(await idle).toBe(why);
      expect(await empty).toBe(why);
      await job;
      await pool.stop();
    }));

  it('reject a bad limit or option with InvalidArgumentError', async () => {
    const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
    expect(isInvalidArgumentError(await pool.onSizeLessThan(-1).catch((e: unknown) => e))).toBe(true);
    expect(isInvalidArgumentError(await pool.onSizeLessThan(1.5).catch((e: unknown) => e))).toBe(true);
    const bad = { timeout: 1 } as unknown as { signal: AbortSignal };
    expect(isInvalidArgumentError(await pool.onIdle(bad).catch((e: unknown) => e))).toBe(true);
    await pool.stop();
  });
});

describe('enqueue', () => {
  it('resolves once the job is queued, waiting for room on a full queue (backpressure)', () =>
    synctest.run(async () => {
      const done: number[] = [];
      const pool = new FixedWorkerPool<number, void>(1, {
        worker: async (ms) => {
          await sleep(ms);
          done.push(ms);
        },
        queueSize: 2,
      });
      const t0 = nowMillis();
      const admitted: number[] = [];
      for (let i = 1; i <= 6; i++) {
        await pool.enqueue(100);
        admitted.push(nowMillis() - t0);
      }
      // 1 running + 2 queued fit at once (the first is taken as soon as this goroutine parks); then one per end
      expect(admitted).toEqual([0, 0, 0, 100, 200, 300]);
      await pool.onIdle();
      expect(nowMillis() - t0).toBe(600);
      expect(done.length).toBe(6);
      await pool.stop();
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed, m.canceled, m.rejected]).toEqual([6, 6, 0, 0, 0]);
    }));

  it("counts a failed job in failed and gives its error to errorHandler; onFull 'reject' rejects with PoolFullError", () =>
    synctest.run(async () => {
      const errors: Error[] = [];
      const pool = new FixedWorkerPool<number, number>(1, {
        worker: async (x) => {
          await sleep(10);
          if (x < 0) throw new RangeError(`bad ${x}`);
          return x;
        },
        queueSize: 1,
        onFull: 'reject',
        errorHandler: (e) => errors.push(e),
      });
      await pool.enqueue(-1);
      await synctest.wait(); // taken by the worker
      await pool.enqueue(2);
      const full = await pool.enqueue(3).catch((e: unknown) => e);
      expect(isPoolFullError(full)).toBe(true);
      await pool.onIdle();
      expect(errors.map((e) => e.message)).toEqual(['bad -1']);
      await pool.stop();
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed, m.canceled, m.rejected]).toEqual([3, 1, 1, 0, 1]);
    }));

  it('its cancel bounds the wait for room only: counted canceled, the job never runs', () =>
    synctest.run(async () => {
      const ran: number[] = [];
      const pool = new FixedWorkerPool<number, void>(1, {
        worker: async (x) => {
          ran.push(x);
          await sleep(100);
        },
        queueSize: 1,
      });
      await pool.enqueue(1);
      await pool.enqueue(2);
      await synctest.wait();
      await pool.enqueue(3);
      const ac = new AbortController();
      const waiting = pool.enqueue(4, { signal: ac.signal }).catch((e: unknown) => e);
      await sleep(10);
      ac.abort('no room');
      expect(await waiting).toBe('no room');
      await pool.onIdle();
      expect(ran).toEqual([1, 2, 3]);
      await pool.stop();
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.canceled]).toEqual([4, 3, 1]);
    }));

  it('rejects with PatternStoppedError after stop, and when the pool stops while it waits for room', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 1 });
      await pool.enqueue(100);
      await synctest.wait();
      await pool.enqueue(100);
      const waiting = pool.enqueue(100).catch((e: unknown) => e);
      await synctest.wait();
      await pool.stop();
      expect(isPatternStoppedError(await waiting)).toBe(true);
      expect(isPatternStoppedError(await pool.enqueue(1).catch((e: unknown) => e))).toBe(true);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.rejected]).toEqual([4, 2, 2]);
    }));

  it("releases a job's Context when its work ends, synchronous or throwing work included (nothing kept per job)", () =>
    synctest.run(async () => {
      const seen: Context[] = [];
      const pool = new FixedWorkerPool<number, number>(1, {
        worker: (x, ctx) => {
          seen.push(ctx);
          if (x < 0) throw new RangeError('bad');
          return x;
        },
      });
      await pool.enqueue(1);
      await pool.enqueue(-1);
      expect(await pool.submit(2)).toBe(2);
      await pool.onIdle();
      expect(seen.length).toBe(3);
      for (const ctx of seen) expect(ctx.err()).not.toBe(null); // canceled: unregistered from the pool's Context
      await pool.stop();
    }));

  it('streams 10,000 jobs through a small queue holding nothing per finished job', () =>
    synctest.run(async () => {
      let sum = 0;
      const pool = new FixedWorkerPool<number, void>(4, {
        worker: async (x) => {
          await sleep(1);
          sum += x;
        },
        queueSize: 8,
      });
      let maxQueued = 0;
      for (let i = 0; i < 10_000; i++) {
        await pool.enqueue(i);
        maxQueued = Math.max(maxQueued, pool.getQueueLength());
      }
      await pool.onIdle();
      expect(sum).toBe((10_000 * 9_999) / 2);
      expect(maxQueued).toBeLessThanOrEqual(8);
      await pool.stop();
    }));
});

describe('progress', () => {
  it('delivers the current state, follows the pool without polling, and ends with the state after stop', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const ch = pool.progress();
      const seen: PoolProgress[] = [];
      const reader = (async () => {
        for await (const p of ch) seen.push(p);
      })();
      for (const ms of [10, 20, 30]) void pool.submit(ms);
      await pool.onIdle();
      await pool.stop();
      await reader;
      expect(seen[0]).toMatchObject({ submitted: 0, idle: true, queued: 0, running: 0 });
      const last = seen.at(-1)!;
      expect(last).toMatchObject({ submitted: 3, completed: 3, failed: 0, queued: 0, running: 0, idle: true, workers: 0 });
      // completed never goes down, and some snapshot saw a job running
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.completed).toBeGreaterThanOrEqual(seen[i - 1]!.completed);
      expect(seen.some((p) => p.running === 1)).toBe(true);
    }));

  it('coalesces for a slow reader: it gets the newest state, not a backlog', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: sleeper, queueSize: 100 });
      const ch = pool.progress();
      const first = await ch.recv();
      expect(first!.submitted).toBe(0);
      const jobs = Array.from({ length: 50 }, () => pool.submit(1));
      await Promise.all(jobs);
      await synctest.wait();
      // 150 changes happened; one snapshot is waiting, and it is the newest
      expect(ch.len()).toBe(1);
      expect((await ch.recv())!).toMatchObject({ submitted: 50, completed: 50, idle: true });
      await pool.stop();
    }));

  it('is closed when its cancel fires', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const ac = new AbortController();
      const ch = pool.progress({ signal: ac.signal });
      await ch.recv();
      ac.abort();
      await synctest.wait();
      expect((await ch.recvOk()).ok).toBe(false);
      await pool.stop();
    }));
});

describe('pause and resume', () => {
  it('stop workers taking jobs while running ones go on; submits are still queued', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: sleeper });
      const t0 = nowMillis();
      const first = at(pool.submit(100));
      await synctest.wait();
      pool.pause();
      expect(pool.isPaused()).toBe(true);
      const later = [at(pool.submit(10)), at(pool.submit(10))];
      await sleep(500);
      expect(pool.getQueueLength()).toBe(2); // an idle worker took nothing
      expect((await first) - t0).toBe(100); // the running job went on
      pool.resume();
      expect(pool.isPaused()).toBe(false);
      expect((await Promise.all(later)).map((t) => t - t0)).toEqual([510, 510]);
      await pool.stop();
    }));

  it('pauses a pool whose workers are idle in a select, and keeps a paused pool from being idle', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({ minWorkers: 2, maxWorkers: 2, worker: sleeper });
      await pool.start();
      await synctest.wait(); // both workers park in their select
      pool.pause();
      const job = at(pool.submit(5));
      let idle = false;
      void pool.onIdle().then(() => (idle = true));
      await sleep(1000);
      expect(idle).toBe(false);
      const t = nowMillis();
      pool.resume();
      expect((await job) - t).toBe(5);
      await pool.onIdle();
      await pool.stop();
    }));

  it('stop() drains a paused pool', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      pool.pause();
      const jobs = [1, 2, 3].map((ms) => pool.submit(ms));
      await sleep(100);
      await pool.stop();
      expect(await Promise.all(jobs)).toEqual([1, 2, 3]);
      expect(pool.isPaused()).toBe(false);
    }));
});
