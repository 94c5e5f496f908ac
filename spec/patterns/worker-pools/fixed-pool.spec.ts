import { describe, expect, it } from 'vitest';
import { chan, type Context, withCancel, background, synctest, nowMillis, sleep } from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  FixedWorkerPool,
  isPoolFullError,
  isTaskTimeoutError,
  PoolFullError,
} from '../../../patterns/index.js';

/** sleeper is a worker that sleeps `input` ms (virtual time) and returns it; it honours its Context. */
const sleeper = async (ms: number, ctx: Context): Promise<number> => {
  const done = ctx.done();
  if (done === null) await sleep(ms);
  else {
    const { select, recvCase } = await import('../../../runtime/select.js');
    const { after } = await import('../../../runtime/time/timer.js');
    await select([recvCase(after(ms)), recvCase(done)]);
  }
  return ms;
};

describe('FixedWorkerPool', () => {
  it('runs submitted work and resolves with its output', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: (x) => x * 2 });
      expect(await pool.submit(21)).toBe(42);
      expect(await pool.submitBatch([1, 2, 3])).toEqual([2, 4, 6]);
      expect(pool.getWorkerCount()).toBe(2);
      expect(pool.workerCount).toBe(2);
      await pool.stop();
      expect(pool.getWorkerCount()).toBe(0);
    }));

  it('runs at most workerCount jobs at once and queues the rest FIFO', () =>
    synctest.run(async () => {
      const order: string[] = [];
      const pool = new FixedWorkerPool<number, number>(2, {
        worker: async (x) => {
          order.push(`start ${x} at ${nowMillis() - t0}`);
          await sleep(100);
          return x;
        },
      });
      await pool.start();
      const t0 = nowMillis();
      const all = pool.submitBatch([1, 2, 3, 4, 5]);
      await synctest.wait();
      expect(pool.getQueueLength()).toBe(3);
      expect(pool.isIdle()).toBe(false);
      expect(await all).toEqual([1, 2, 3, 4, 5]);
      expect(order).toEqual(['start 1 at 0', 'start 2 at 0', 'start 3 at 100', 'start 4 at 100', 'start 5 at 200']);
      expect(pool.isIdle()).toBe(true);
      await pool.stop();
    }));

  it('starts on the first submit and rejects submit after stop with PatternStoppedError', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: (x) => x });
      expect(pool.isRunning()).toBe(false);
      expect(await pool.submit(1)).toBe(1);
      expect(pool.isRunning()).toBe(true);
      await pool.stop();
      const e = await pool.submit(2).catch((x: unknown) => x);
      expect(isPatternStoppedError(e)).toBe(true);
      expect((e as Error).message).toMatch(/not running \(stopped\)/);
    }));

  it('refuses a submit after a stop that came before any submit (a never-started pool stays stopped)', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: (x) => x });
      await pool.stop();
      const e = await pool.submit(1).catch((x: unknown) => x);
      expect(isPatternStoppedError(e)).toBe(true);
      expect((e as Error).message).toMatch(/not running \(stopped\)/);
      expect(pool.getWorkerCount()).toBe(0);
      await pool.start(); // an explicit start still brings it up
      expect(await pool.submit(2)).toBe(2);
      await pool.stop();
    }));

  it('a first submit starts the pool synchronously, so a stop right after it drains the job', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const p = pool.submit(10);
      expect(pool.getWorkerCount()).toBe(1);
      await pool.stop();
      expect(await p).toBe(10);
    }));

  it('rejects a failing job with its error and keeps serving', () =>
    synctest.run(async () => {
      const seen: string[] = [];
      const pool = new FixedWorkerPool<number, number>(1, {
        worker: (x) => {
          if (x < 0) throw new Error(`negative ${x}`);
          return x;
        },
        errorHandler: (e) => seen.push(e.message),
      });
      await expect(pool.submit(-1)).rejects.toThrow('negative -1');
      expect(await pool.submit(3)).toBe(3);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.failed, m.errors]).toEqual([2, 1, 1, 1]);
      expect(seen).toEqual(['negative -1']);
      await pool.stop();
    }));

  it('onFull reject: a submit beyond queueSize rejects with PoolFullError', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 1, onFull: 'reject', name: 'p' });
      await pool.start();
      const a = pool.submit(10);
      await synctest.wait(); // the worker took a
      const b = pool.submit(10); // queued
      const e = await pool.submit(10).catch((x: unknown) => x);
      expect(isPoolFullError(e)).toBe(true);
      expect(e).toBeInstanceOf(PoolFullError);
      expect((e as PoolFullError).message).toBe('p: queue full (1 jobs waiting)');
      expect(await Promise.all([a, b])).toEqual([10, 10]);
      expect(pool.getMetrics().rejected).toBe(1);
      await pool.stop();
    }));

  it('onFull wait: a submit beyond queueSize waits for room', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 1 });
      await pool.start();
      const t0 = nowMillis();
      const done: number[] = [];
      const ps = [1, 2, 3].map((i) => pool.submit(100).then(() => done.push(i)));
      await synctest.wait();
      expect(pool.getQueueLength()).toBe(1); // the third waits outside the queue
      await Promise.all(ps);
      expect(done).toEqual([1, 2, 3]);
      expect(nowMillis() - t0).toBe(300);
      await pool.stop();
    }));

  it('queueSize 0: a job waits for an idle worker (reject: fails when none is idle)', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 0, onFull: 'reject' });
      await pool.start();
      await synctest.wait(); // the worker parks in its select, ready to receive
      const a = pool.submit(10);
      await synctest.wait();
      await expect(pool.submit(10)).rejects.toSatisfy(isPoolFullError);
      expect(await a).toBe(10);
      await pool.stop();
    }));

  it('taskTimeout fails a long task with TaskTimeoutError and cancels its Context', () =>
    synctest.run(async () => {
      let sawCancel = false;
      const pool = new FixedWorkerPool<number, number>(1, {
        taskTimeout: 50,
        name: 't',
        worker: async (ms, ctx) => {
          await sleeper(ms, ctx);
          sawCancel = ctx.err() !== null;
          return ms;
        },
      });
      const t0 = nowMillis();
      const e = await pool.submit(1000).catch((x: unknown) => x);
      expect(isTaskTimeoutError(e)).toBe(true);
      expect((e as Error).message).toBe('t: task timed out after 50 ms');
      expect(nowMillis() - t0).toBe(50);
      await synctest.wait();
      expect(sawCancel).toBe(true);
      expect(await pool.submit(10)).toBe(10); // the worker is free again
      const m = pool.getMetrics();
      expect([m.timedOut, m.failed, m.completed]).toEqual([1, 1, 1]);
      await pool.stop();
    }));

  it('taskTimeout fails even work that ignores its Context, and the worker moves on', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { timeout: 50, worker: (ms) => sleep(ms).then(() => ms) });
      await expect(pool.submit(1000)).rejects.toSatisfy(isTaskTimeoutError);
      expect(await pool.submit(10)).toBe(10);
      await pool.stop();
      await sleep(1000); // let the abandoned sleep end inside the bubble
    }));

  it('an aborted queued job never runs and rejects with the abort reason at once', () =>
    synctest.run(async () => {
      const ran: number[] = [];
      const pool = new FixedWorkerPool<number, number>(1, { worker: async (x, ctx) => (ran.push(x), sleeper(x, ctx)) });
      await pool.start();
      const a = pool.submit(100);
      const ac = new AbortController();
      const b = pool.submit(200, { signal: ac.signal });
      await synctest.wait();
      ac.abort(new Error('no longer needed'));
      await expect(b).rejects.toThrow('no longer needed');
      expect(await a).toBe(100);
      await synctest.wait();
      expect(ran).toEqual([100]);
      expect(pool.getMetrics().canceled).toBe(1);
      await pool.stop();
    }));

  it("an aborted running job rejects at once and its Context is canceled", () =>
    synctest.run(async () => {
      let ctxErr: unknown = null;
      const pool = new FixedWorkerPool<number, number>(1, {
        worker: async (x, ctx) => {
          await sleeper(x, ctx);
          ctxErr = ctx.err();
          return x;
        },
      });
      const [ctx, cancel] = withCancel(background());
      const t0 = nowMillis();
      const p = pool.submit(1000, { cancel: ctx });
      await sleep(10);
      cancel();
      await expect(p).rejects.toThrow('context canceled');
      expect(nowMillis() - t0).toBe(10);
      await synctest.wait();
      expect(ctxErr).not.toBeNull();
      await pool.stop();
    }));

  it('an already-aborted signal rejects without queueing', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: (x) => x });
      await expect(pool.submit(1, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
      expect(pool.getMetrics().completed).toBe(0);
      await pool.stop();
    }));

  it("stop({ mode: 'drain' }) runs every queued job before it resolves", () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: sleeper });
      const all = pool.submitBatch([100, 100, 100, 100]);
      await synctest.wait();
      const t0 = nowMillis();
      await pool.stop();
      expect(nowMillis() - t0).toBe(200);
      expect(await all).toEqual([100, 100, 100, 100]);
    }));

  it("stop({ mode: 'cancel' }) fails queued and running jobs with PatternStoppedError at once", () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      const ps = [1000, 1000, 1000].map((x) => pool.submit(x).catch((e: unknown) => e));
      await synctest.wait();
      const t0 = nowMillis();
      await pool.stop({ mode: 'cancel' });
      expect(nowMillis() - t0).toBe(0);
      for (const e of await Promise.all(ps)) expect(isPatternStoppedError(e)).toBe(true);
    }));

  it('stop rejects submits parked on a full queue with PatternStoppedError', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, queueSize: 1 });
      const ps = [100, 100, 100].map((x) => pool.submit(x).catch((e: unknown) => e));
      await synctest.wait();
      await pool.stop();
      const [a, b, c] = await Promise.all(ps);
      expect([a, b]).toEqual([100, 100]);
      expect(isPatternStoppedError(c)).toBe(true);
    }));

  it('can be started again after stop', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: (x) => x + 1 });
      expect(await pool.submit(1)).toBe(2);
      await pool.stop();
      await pool.start();
      expect(pool.getWorkerCount()).toBe(2);
      expect(await pool.submit(2)).toBe(3);
      await pool.stop();
    }));

  it('getMetrics reports queue wait, run time and utilisation', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper });
      await pool.start();
      const all = pool.submitBatch([100, 100]);
      await synctest.wait();
      expect(pool.getMetrics().utilization).toBe(1);
      await all;
      const m = pool.getMetrics();
      expect(m.queueWait.max).toBe(100);
      expect(m.runTime.p50).toBe(100);
      expect(m.utilization).toBe(0);
      expect(m.workers).toBe(1);
      pool.resetMetrics();
      expect(pool.getMetrics().submitted).toBe(0);
      await pool.stop();
    }));

  it('with enableMetrics false counts jobs but records no queue waits or run times', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: sleeper, enableMetrics: false });
      expect(await pool.submitBatch([100, 100])).toEqual([100, 100]);
      const m = pool.getMetrics();
      expect([m.submitted, m.completed, m.queueWait.count, m.runTime.count]).toEqual([2, 2, 0, 0]);
      await pool.stop();
    }));

  it('round-robin hands jobs to the workers in turn, skipping busy ones', () =>
    synctest.run(async () => {
      const who: string[] = [];
      const pool = new FixedWorkerPool<number, number>(3, {
        loadBalancing: 'round-robin',
        worker: async (x) => {
          who.push(`${x}@${nowMillis() - t0}`);
          await sleep(x);
          return x;
        },
      });
      await pool.start();
      const t0 = nowMillis();
      expect(await pool.submitBatch([100, 100, 100, 100, 10, 10])).toEqual([100, 100, 100, 100, 10, 10]);
      expect(who.slice(0, 3)).toEqual(['100@0', '100@0', '100@0']);
      expect(pool.getHealthStatus().workers.map((w) => w.jobsRun).reduce((a, b) => a + b)).toBe(6);
      await pool.stop();
    }));

  it('round-robin drains on stop', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { loadBalancing: 'round-robin', worker: sleeper });
      const all = pool.submitBatch([10, 20, 30, 40, 50]);
      await synctest.wait();
      await pool.stop();
      expect(await all).toEqual([10, 20, 30, 40, 50]);
    }));

  it('is usable as the target of a results channel (idiom check)', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: (x) => x * x });
      const out = chan<number>(3);
      for (const x of [1, 2, 3]) void pool.submit(x).then((v) => out.send(v));
      let sum = 0;
      for (let i = 0; i < 3; i++) sum += (await out.recv())!;
      expect(sum).toBe(14);
      await pool.stop();
    }));
});
