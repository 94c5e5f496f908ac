/**
 * Thread tasks: a pool whose work is a task() runs each job on a worker thread with goThread. Real threads cannot
 * run inside a synctest bubble, so these specs use real time but no wall-clock thresholds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureThreads, shutdownThreads } from '../../../runtime/threads/lifecycle.js';
import { isThreadDiedError } from '../../../runtime/threads/errors.js';
import { DynamicWorkerPool } from '../../../patterns/worker-pools/dynamic-pool.js';
import { FixedWorkerPool } from '../../../patterns/worker-pools/fixed-pool.js';
import { isTaskTimeoutError } from '../../../patterns/worker-pools/errors.js';
import { isPatternStoppedError } from '../../../patterns/core/lifecycle.js';
import { die, double, fail, spin } from './tasks/work.js';

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
    // the pool worker moved on at once; the abandoned spin still occupies its thread until it returns
    expect(pool.isIdle()).toBe(true);
    expect(pool.getHealthStatus().workers.map((w) => w.state)).toEqual(['idle']);
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
