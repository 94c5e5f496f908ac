/**
 * Pools made with `priorities: true`: a queued job with a higher priority is taken first, FIFO within one priority,
 * exactly at the moment a worker takes a job; with waits for room, stop, cancel and pause. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { synctest, sleep, isInvalidArgumentError } from '../../../runtime/index.js';
import { isPatternStoppedError, FixedWorkerPool, DynamicWorkerPool, isPoolFullError } from '../../../patterns/index.js';

/** recorder makes a worker that records the order in which jobs start and sleeps `ms` each. */
function recorder(ms: number): { order: string[]; worker: (x: string) => Promise<string> } {
  const order: string[] = [];
  return {
    order,
    worker: async (x: string) => {
      order.push(x);
      await sleep(ms);
      return x;
    },
  };
}

describe('priorities', () => {
  it('run a higher priority first and equal priorities in submission order', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(10);
      const pool = new FixedWorkerPool<string, string>(1, { worker, priorities: true });
      const jobs = [pool.submit('first')];
      await synctest.wait(); // the worker has taken it: the others are queued behind it
      jobs.push(
        pool.submit('low-a', { priority: -1 }),
        pool.submit('mid-a'),
        pool.submit('high-a', { priority: 5 }),
        pool.submit('mid-b', { priority: 0 }),
        pool.submit('high-b', { priority: 5 }),
        pool.submit('low-b', { priority: -1 }),
        pool.submit('top', { priority: 9.5 }),
      );
      await Promise.all(jobs);
      expect(order).toEqual(['first', 'top', 'high-a', 'high-b', 'mid-a', 'mid-b', 'low-a', 'low-b']);
      await pool.stop();
    }));

  it('a job submitted while the others wait is placed by its priority at the moment a worker takes the next', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(100);
      const pool = new FixedWorkerPool<string, string>(1, { worker, priorities: true });
      const jobs = [pool.submit('a')];
      await synctest.wait(); // 'a' runs until 100
      jobs.push(pool.submit('b', { priority: 1 }), pool.submit('c', { priority: 1 }));
      await sleep(150); // 'b' runs from 100 to 200; 'c' is offered to the busy worker
      jobs.push(pool.submit('urgent', { priority: 2 }));
      await sleep(49); // 'b' ends at 200
      jobs.push(pool.submit('urgent-2', { priority: 2 }));
      await Promise.all(jobs);
      expect(order).toEqual(['a', 'b', 'urgent', 'urgent-2', 'c']);
      await pool.stop();
    }));

  it('order enqueue and map inputs the same way, and count every submit', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(10);
      const pool = new FixedWorkerPool<string, string>(1, { worker, priorities: true });
      await pool.enqueue('e0');
      await synctest.wait(); // the worker has taken it (when a goroutine starts is the scheduler's business)
      await pool.enqueue('e-low', { priority: -5 });
      const mapped = pool.map(['m1', 'm2'], { priority: 3 });
      await pool.enqueue('e-high', { priority: 4 });
      const got: string[] = [];
      for await (const v of mapped) got.push(v);
      await pool.onIdle();
      expect(got).toEqual(['m1', 'm2']);
      expect(order).toEqual(['e0', 'e-high', 'm1', 'm2', 'e-low']);
      await pool.stop();
      const m = pool.getMetrics();
      expect([m.submitted, m.completed]).toEqual([5, 5]);
    }));

  it('wait for room on a full queue, serving the waiting submits in order; reject with PoolFullError when asked', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(10);
      const pool = new FixedWorkerPool<string, string>(1, { worker, priorities: true, queueSize: 2 });
      const jobs = ['r', 'q1', 'q2', 'w1', 'w2'].map((x) => pool.submit(x, { priority: x === 'w2' ? 9 : 0 }));
      await synctest.wait();
      expect(pool.getQueueLength()).toBe(2);
      await Promise.all(jobs);
      // q2, w1 and w2 waited for room (not queued) and got in in submission order as places freed: q2 when r was
      // taken, w1 when q1 was, w2 when q2 was; only then did w2 outrank w1
      expect(order).toEqual(['r', 'q1', 'q2', 'w2', 'w1']);
      await pool.stop();

      const rejecting = new FixedWorkerPool<string, string>(1, { worker, priorities: true, queueSize: 1, onFull: 'reject' });
      const a = rejecting.submit('a');
      await synctest.wait();
      const b = rejecting.submit('b');
      expect(isPoolFullError(await rejecting.submit('c', { priority: 100 }).catch((e: unknown) => e))).toBe(true);
      await Promise.all([a, b]);
      await rejecting.stop();
    }));

  it('stop() drains the queue in priority order; a cancel-stop fails it; parked submits are rejected', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(10);
      const pool = new FixedWorkerPool<string, string>(1, { worker, priorities: true, queueSize: 2 });
      const jobs = ['a', 'b', 'c'].map((x, i) => pool.submit(x, { priority: i }));
      const parked = pool.submit('d').catch((e: unknown) => e);
      await synctest.wait();
      // a and b were queued, c and d waited for room; b was taken first, which let c in; the queue is full again
      expect(order).toEqual(['b']);
      await pool.stop();
      expect(await Promise.all(jobs)).toEqual(['a', 'b', 'c']);
      expect(order).toEqual(['b', 'c', 'a']);
      expect(isPatternStoppedError(await parked)).toBe(true);

      const canceling = new FixedWorkerPool<string, string>(1, { worker, priorities: true });
      const out = ['x', 'y', 'z'].map((x) => canceling.submit(x).catch((e: unknown) => e));
      await synctest.wait();
      await canceling.stop({ mode: 'cancel' });
      for (const e of await Promise.all(out)) expect(isPatternStoppedError(e)).toBe(true);
      const m = canceling.getMetrics();
      expect([m.submitted, m.canceled]).toEqual([3, 3]);
    }));

  it('pause keeps the order: jobs submitted while paused run by priority at resume', () =>
    synctest.run(async () => {
      const { order, worker } = recorder(10);
      const pool = new DynamicWorkerPool<string, string>({ minWorkers: 1, maxWorkers: 1, worker, priorities: true });
      await pool.start();
      pool.pause();
      const jobs = ['p0', 'p1', 'p2'].map((x, i) => pool.submit(x, { priority: i }));
      await sleep(100);
      expect(order).toEqual([]);
      pool.resume();
      await Promise.all(jobs);
      expect(order).toEqual(['p2', 'p1', 'p0']);
      await pool.stop();
    }));

  it('reject a priority on a pool without priorities, and a bad priority or config, with InvalidArgumentError', async () => {
    const plain = new FixedWorkerPool<string, string>(1, { worker: async (x) => x });
    expect(isInvalidArgumentError(await plain.submit('a', { priority: 1 }).catch((e: unknown) => e))).toBe(true);
    expect(isInvalidArgumentError(await plain.enqueue('a', { priority: 1 }).catch((e: unknown) => e))).toBe(true);
    const pool = new FixedWorkerPool<string, string>(1, { worker: async (x) => x, priorities: true });
    for (const p of [NaN, Infinity, '1']) {
      const e = await pool.submit('a', { priority: p as number }).catch((x: unknown) => x);
      expect(isInvalidArgumentError(e)).toBe(true);
    }
    expect(() => new FixedWorkerPool(1, { worker: async () => 0, priorities: true, queueSize: 0 })).toThrow(
      'FixedWorkerPool: priorities need a queue: queueSize must be >= 1, got 0',
    );
    expect(() => new FixedWorkerPool(1, { worker: async () => 0, priorities: true, loadBalancing: 'round-robin' })).toThrow(
      "FixedWorkerPool: priorities need loadBalancing 'least-loaded', got 'round-robin'",
    );
    expect(() => new FixedWorkerPool(1, { worker: async () => 0, priorities: 1 as unknown as boolean })).toThrow(/priorities/);
    await plain.stop();
    await pool.stop();
  });
});
