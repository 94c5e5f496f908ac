import { describe, expect, it } from 'vitest';
import { synctest, nowMillis, sleep, chan } from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  DynamicWorkerPool,
  isWorkerRestartedError,
  WorkerRestartedError,
} from '../../../patterns/index.js';

const sleeper = async (ms: number): Promise<number> => {
  await sleep(ms);
  return ms;
};

describe('DynamicWorkerPool', () => {
  it('starts minWorkers workers', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({ minWorkers: 2, maxWorkers: 5, worker: sleeper });
      await pool.start();
      expect(pool.getWorkerCount()).toBe(2);
      await pool.stop();
    }));

  it('auto-scales up while the load is at or above scalingThreshold, never past maxWorkers', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 1,
        maxWorkers: 4,
        scalingThreshold: 0.8,
        scalingInterval: 100,
        worker: sleeper,
      });
      await pool.start();
      const all = pool.submitBatch(Array.from({ length: 20 }, () => 1000));
      await sleep(150); // one supervisor tick: load 20/1 >= 0.8 -> add up to maxWorkers
      expect(pool.getWorkerCount()).toBe(4);
      expect(pool.getMetrics().peakWorkers).toBe(4);
      await all;
      await pool.stop();
    }));

  it('does not scale while the load is below scalingThreshold', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 4,
        maxWorkers: 8,
        scalingThreshold: 0.8,
        scalingInterval: 100,
        worker: sleeper,
      });
      const all = pool.submitBatch([1000, 1000, 1000]); // 3 / 4 = 0.75
      await sleep(500);
      expect(pool.getWorkerCount()).toBe(4);
      await all;
      await pool.stop();
    }));

  it('shrinks back to minWorkers after idleTimeout', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 1,
        maxWorkers: 3,
        idleTimeout: 500,
        enableAutoScaling: false,
        worker: sleeper,
      });
      await pool.scaleUp(2);
      expect(pool.getWorkerCount()).toBe(3);
      await sleep(499);
      expect(pool.getWorkerCount()).toBe(3);
      await sleep(2);
      expect(pool.getWorkerCount()).toBe(1);
      await sleep(5000);
      expect(pool.getWorkerCount()).toBe(1); // never below minWorkers
      await pool.stop();
    }));

  it('a worker busy with jobs does not idle out', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 0,
        maxWorkers: 1,
        idleTimeout: 100,
        enableAutoScaling: false,
        worker: sleeper,
      });
      for (let i = 0; i < 5; i++) expect(await pool.submit(90)).toBe(90);
      expect(pool.getWorkerCount()).toBe(1);
      await sleep(101);
      expect(pool.getWorkerCount()).toBe(0);
      expect(await pool.submit(1)).toBe(1); // minWorkers 0: a submit starts a worker
      await pool.stop();
    }));

  it('scaleUp clamps at maxWorkers; scaleDown retires idle workers first, never below minWorkers', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 1,
        maxWorkers: 3,
        enableAutoScaling: false,
        worker: sleeper,
      });
      await pool.scaleUp(10);
      expect(pool.getWorkerCount()).toBe(3);
      const busy = pool.submit(100);
      await synctest.wait();
      const t0 = nowMillis();
      await pool.scaleDown(1);
      expect(nowMillis() - t0).toBe(0); // an idle one went at once
      expect(pool.getWorkerCount()).toBe(2);
      await pool.scaleDown(5);
      expect(pool.getWorkerCount()).toBe(1);
      expect(await busy).toBe(100);
      await pool.stop();
    }));

  it('scaleDown of a busy worker waits for its job', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({ minWorkers: 0, maxWorkers: 1, enableAutoScaling: false, worker: sleeper });
      const p = pool.submit(100);
      await synctest.wait();
      const t0 = nowMillis();
      await pool.scaleDown(1);
      expect(nowMillis() - t0).toBe(100);
      expect(await p).toBe(100);
      expect(pool.getWorkerCount()).toBe(0);
      await pool.stop();
    }));

  it('scaleUp and scaleDown reject bad counts and a stopped pool', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({ worker: sleeper, name: 'd' });
      for (const bad of [0, -1, 1.5, NaN, Infinity, '2']) {
        await expect(pool.scaleUp(bad as number)).rejects.toThrow(`d: count must be an integer >= 1, got ${typeof bad === 'string' ? '"2"' : String(bad)}`);
        await expect(pool.scaleDown(bad as number)).rejects.toThrow('d: count must be an integer >= 1');
      }
      await pool.start();
      await pool.stop();
      await expect(pool.scaleUp(1)).rejects.toSatisfy(isPatternStoppedError);
      await expect(pool.scaleDown(1)).rejects.toSatisfy(isPatternStoppedError);
    }));

  it('getHealthStatus reports a worker busy with one job longer than stuckAfter; restart replaces it', () =>
    synctest.run(async () => {
      const gate = chan<void>();
      const errors: string[] = [];
      const pool = new DynamicWorkerPool<string, string>({
        minWorkers: 2,
        maxWorkers: 2,
        stuckAfter: 1000,
        heartbeatInterval: 100,
        name: 'h',
        errorHandler: (e) => errors.push(e.name),
        worker: async (x, ctx) => {
          if (x === 'hang') await gate.recv(); // never sent: stuck until its Context is canceled
          void ctx;
          return x;
        },
      });
      await pool.start();
      const hung = pool.submit('hang').catch((e: unknown) => e);
      await sleep(500);
      let h = pool.getHealthStatus();
      expect(h.healthy).toBe(true);
      expect(h.workers.map((w) => w.state).sort()).toEqual(['busy', 'idle']);
      expect(Math.max(...h.workers.filter((w) => w.state === 'idle').map((w) => w.sinceLastBeat))).toBeLessThanOrEqual(100);
      await sleep(600);
      h = pool.getHealthStatus();
      expect(h.healthy).toBe(false);
      expect(h.stuck).toHaveLength(1);
      const stuckId = h.stuck[0]!;
      await pool.restartUnhealthyWorkers();
      const e = await hung;
      expect(isWorkerRestartedError(e)).toBe(true);
      expect(e).toBeInstanceOf(WorkerRestartedError);
      expect((e as Error).message).toBe(`h: worker ${stuckId} was stuck and has been replaced`);
      h = pool.getHealthStatus();
      expect(h.healthy).toBe(true);
      expect(pool.getWorkerCount()).toBe(2);
      expect(h.workers.map((w) => w.id)).not.toContain(stuckId);
      expect(await pool.submit('ok')).toBe('ok');
      expect(errors).toEqual(['WorkerRestartedError']);
      gate.close(); // let the abandoned work end
      await pool.stop();
    }));

  it('restartUnhealthyWorkers does nothing on a healthy pool', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({ minWorkers: 2, worker: sleeper });
      await pool.start();
      const ids = pool.getHealthStatus().workers.map((w) => w.id);
      await pool.restartUnhealthyWorkers();
      expect(pool.getHealthStatus().workers.map((w) => w.id)).toEqual(ids);
      await pool.stop();
    }));

  it('round-robin with scaling: retired workers hand back their inbox', () =>
    synctest.run(async () => {
      const pool = new DynamicWorkerPool<number, number>({
        minWorkers: 1,
        maxWorkers: 4,
        loadBalancing: 'round-robin',
        scalingInterval: 50,
        idleTimeout: 200,
        worker: sleeper,
      });
      const all = pool.submitBatch(Array.from({ length: 12 }, (_, i) => 10 + i));
      await sleep(60);
      expect(pool.getWorkerCount()).toBe(4);
      expect(await all).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
      await sleep(1000);
      expect(pool.getWorkerCount()).toBe(1);
      expect(await pool.submit(5)).toBe(5);
      await pool.stop();
    }));
});
