/**
 * Thread tasks: a pool whose work is a task() runs each job on a worker thread with goThread. Real threads cannot
 * run inside a synctest bubble, so these specs use real time but no wall-clock thresholds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureThreads, shutdownThreads, isThreadDiedError, goThread } from '../../../runtime/index.js';
import {
  DynamicWorkerPool,
  FixedWorkerPool,
  isTaskTimeoutError,
  isWorkerRestartedError,
  isPatternStoppedError,
} from '../../../patterns/index.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { die, double, fail, loopOrDouble, meet, spin } from './tasks/work.js';

describe('worker pools with thread tasks', () => {
  const pools: { stop(o?: { mode?: 'drain' | 'cancel' }): Promise<void> }[] = [];
  beforeEach(() => configureThreads({ threads: 2 }));
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.stop({ mode: 'cancel' });
    await shutdownThreads();
  });

  it('runs each job on a worker thread and resolves with its result', async () => {
    const pool = new FixedWorkerPool<number, number>(2, { task: double });
    pools.push(pool);
    expect(await pool.submit(21)).toBe(42);
    const inputs = Array.from({ length: 200 }, (_, i) => i);
    expect(await pool.submitBatch(inputs)).toEqual(inputs.map((i) => i * 2));
    const m = pool.getMetrics();
    expect([m.submitted, m.completed, m.failed]).toEqual([201, 201, 0]);
  });

  it('runs the queued jobs of one pool worker on the threads at once (no taskTimeout)', async () => {
    const pool = new FixedWorkerPool<{ sab: SharedArrayBuffer; n: number }, number>(1, { task: meet });
    pools.push(pool);
    const at = { sab: new SharedArrayBuffer(4), n: 5 };
    // Each meet completes only once all five run: one job at a time would never finish.
    expect(await pool.submitBatch(Array.from({ length: 5 }, () => at))).toEqual([5, 5, 5, 5, 5]);
    const h = pool.getHealthStatus();
    expect(h.workers.map((w) => [w.state, w.jobsRun])).toEqual([['idle', 5]]);
    expect(pool.getMetrics().completed).toBe(5);
  });

  it('map, enqueue, onIdle and priorities work with thread tasks (windows, and one job at a time)', async () => {
    const windowed = new FixedWorkerPool<number, number>(2, { task: double });
    const timed = new FixedWorkerPool<number, number>(2, { task: double, taskTimeout: 60_000, priorities: true });
    pools.push(windowed, timed);
    const inputs = Array.from({ length: 300 }, (_, i) => i);
    for (const pool of [windowed, timed]) {
      const out: number[] = [];
      for await (const v of pool.map(inputs, { concurrency: 50 })) out.push(v);
      expect(out).toEqual(inputs.map((i) => i * 2));
      for (const i of inputs) await pool.enqueue(i);
      await pool.onIdle();
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed]).toEqual([600, 600, 0]);
    }
    expect(await timed.submit(4, { priority: 1 })).toBe(8);
  });

  it("rejects with the task's error rebuilt in its class, and keeps serving", async () => {
    const pool = new FixedWorkerPool<string, never>(1, { task: fail });
    pools.push(pool);
    const e = await pool.submit('bad input').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RangeError);
    expect((e as Error).message).toBe('bad input');
    expect(pool.getMetrics().failed).toBe(1);
  });

  it('a thread that dies fails its job with ThreadDiedError; the pool keeps serving', async () => {
    const pool = new DynamicWorkerPool<number, number>({ minWorkers: 1, maxWorkers: 2, task: die, enableAutoScaling: false });
    pools.push(pool);
    const e = await pool.submit(3).catch((x: unknown) => x);
    expect(isThreadDiedError(e)).toBe(true);
    expect(pool.getMetrics().crashed).toBe(1);
    expect(pool.getWorkerCount()).toBe(1);
    // the runtime replaced the thread: the next job runs (and dies again, with the same named error)
    expect(isThreadDiedError(await pool.submit(4).catch((x: unknown) => x))).toBe(true);
    expect(pool.getMetrics().crashed).toBe(2);
  });

  it('taskTimeout fails a task that runs too long with TaskTimeoutError and frees the pool worker', async () => {
    const pool = new FixedWorkerPool<number, number>(1, { task: spin, taskTimeout: 20 });
    pools.push(pool);
    const e = await pool.submit(400).catch((x: unknown) => x);
    expect(isTaskTimeoutError(e)).toBe(true);
    expect(pool.getMetrics().timedOut).toBe(1);
    // the pool worker moved on at once; the abandoned spin's thread was terminated
    expect(pool.isIdle()).toBe(true);
    expect(pool.getHealthStatus().workers.map((w) => w.state)).toEqual(['idle']);
  });

  it('taskTimeout stops a thread task stuck in an infinite loop: TaskTimeoutError, and the thread is replaced', async () => {
    configureThreads({ threads: 1 }); // one thread: the pool can only keep serving if the stuck one is replaced
    // Start the thread first: its start-up (a tsx worker, slow on a loaded machine) is not the task's time.
    expect(await goThread(loopOrDouble, 1)).toBe(2);
    // The timeout counts from the submit, so it also covers the replacement thread's start-up for the last submit:
    // long enough for a tsx worker to start on a loaded machine.
    const pool = new FixedWorkerPool<number, number>(1, { task: loopOrDouble, taskTimeout: 5000 });
    pools.push(pool);
    expect(await pool.submit(1)).toBe(2);
    const e = await pool.submit(-1).catch((x: unknown) => x);
    expect(isTaskTimeoutError(e)).toBe(true);
    expect(pool.getMetrics().timedOut).toBe(1);
    expect(await pool.submit(21)).toBe(42);
    expect(runningThreads()).toBe(1);
    expect(pool.getMetrics().crashed).toBe(0);
  });

  it("a submit's abort stops its stuck thread task; the pool keeps serving", async () => {
    configureThreads({ threads: 1 });
    const pool = new FixedWorkerPool<number, number>(1, { task: loopOrDouble });
    pools.push(pool);
    const ac = new AbortController();
    const stuck = pool.submit(-1, { signal: ac.signal }).catch((x: unknown) => x);
    await waitFor(() => pool.getHealthStatus().workers.some((w) => w.state === 'busy'));
    ac.abort('no longer needed');
    expect(await stuck).toBe('no longer needed');
    expect(await pool.submit(5)).toBe(10);
  });

  it("counts a running thread task's end by abort as canceled and by restart as an error, never as failed", async () => {
    configureThreads({ threads: 1 });
    const errors: string[] = [];
    const pool = new FixedWorkerPool<number, number>(1, {
      task: loopOrDouble,
      stuckAfter: 1,
      errorHandler: (e) => errors.push(e.name),
    });
    pools.push(pool);
    const ac = new AbortController();
    const aborted = pool.submit(-1, { signal: ac.signal }).catch((x: unknown) => x);
    await waitFor(() => pool.getHealthStatus().workers.some((w) => w.state === 'busy'));
    ac.abort('no longer needed');
    expect(await aborted).toBe('no longer needed');
    const stuck = pool.submit(-1).catch((x: unknown) => x);
    await waitFor(() => !pool.getHealthStatus().healthy);
    await pool.restartUnhealthyWorkers();
    expect(isWorkerRestartedError(await stuck)).toBe(true);
    expect(await pool.submit(4)).toBe(8);
    const m = pool.getMetrics();
    expect([m.submitted, m.completed, m.failed, m.canceled, m.errors]).toEqual([3, 1, 0, 2, 1]); // restarted: canceled
    expect(errors).toEqual(['WorkerRestartedError']);
    // the window emptied each time: the new worker is idle, the restarted one is gone
    await waitFor(() => pool.isIdle());
    expect(pool.getHealthStatus().workers.map((w) => [w.state, w.jobsRun])).toEqual([['idle', 1]]);
  });

  it('restartUnhealthyWorkers stops the stuck thread task: WorkerRestartedError, and the pool keeps serving', async () => {
    configureThreads({ threads: 1 });
    const pool = new FixedWorkerPool<number, number>(1, { task: loopOrDouble, stuckAfter: 1 });
    pools.push(pool);
    const stuck = pool.submit(-1).catch((x: unknown) => x);
    await waitFor(() => !pool.getHealthStatus().healthy);
    await pool.restartUnhealthyWorkers();
    expect(isWorkerRestartedError(await stuck)).toBe(true);
    expect(await pool.submit(4)).toBe(8);
  });

  it("stop({ mode: 'cancel' }) stops a stuck thread task, so shutdown finds a free thread", async () => {
    configureThreads({ threads: 1 });
    const pool = new FixedWorkerPool<number, number>(1, { task: loopOrDouble });
    const stuck = pool.submit(-1).catch((x: unknown) => x);
    await waitFor(() => pool.getHealthStatus().workers.some((w) => w.state === 'busy'));
    await pool.stop({ mode: 'cancel' });
    expect(isPatternStoppedError(await stuck)).toBe(true);
    const other = new FixedWorkerPool<number, number>(1, { task: double });
    pools.push(other);
    expect(await other.submit(3)).toBe(6);
  });

  it("stop({ mode: 'cancel' }) fails queued thread jobs with PatternStoppedError", async () => {
    const pool = new FixedWorkerPool<number, number>(1, { task: spin });
    const ps = [50, 50, 50].map((x) => pool.submit(x).catch((e: unknown) => e));
    await pool.stop({ mode: 'cancel' });
    for (const e of await Promise.all(ps)) expect(isPatternStoppedError(e)).toBe(true);
  });

  it("stop() drains thread jobs", async () => {
    const pool = new FixedWorkerPool<number, number>(2, { task: double });
    const all = pool.submitBatch([1, 2, 3, 4, 5]);
    await pool.stop();
    expect(await all).toEqual([2, 4, 6, 8, 10]);
    expect(pool.getWorkerCount()).toBe(0);
  });
});

/** waitFor polls `cond` until it holds (the test's own timeout bounds it). */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
