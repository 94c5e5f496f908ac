import { describe, expect, it } from 'vitest';
import { isCanceled, synctest, sleep } from '../../../runtime/index.js';
import {
  PatternStoppedError,
  isPipelineFilteredError,
  PipelineStageError,
  DROP,
  PipelineStage,
  RetryPolicy,
} from '../../../patterns/index.js';
import { range, stopwatch } from './helpers.js';

const slow = (ms: number) => async (x: number): Promise<number> => (await sleep(ms), x * 10);

describe('PipelineStage', () => {
  it('processes one item with process and a batch through its goroutines with processBatch', () =>
    synctest.run(async () => {
      const s = new PipelineStage({ name: 'x10', processor: slow(100), concurrency: 2 });
      expect(await s.process(4)).toBe(40);
      const clock = stopwatch();
      expect(await s.processBatch(range(4))).toEqual([0, 10, 20, 30]);
      expect(clock()).toBe(200); // two at a time
      expect(s.name).toBe('x10');
      expect(s.isRunning()).toBe(true);
    }));

  it('reports throughput, latency and counts on virtual time', () =>
    synctest.run(async () => {
      const s = new PipelineStage({ name: 'm', processor: slow(100), concurrency: 2 });
      expect(s.getThroughput()).toBe(0);
      expect(s.getLatency()).toBe(0);
      await s.processBatch(range(4));
      expect(s.getLatency()).toBe(100);
      expect(s.getThroughput()).toBe(20); // 4 items in 200 ms
      expect(s.getMetrics()).toMatchObject({ name: 'm', started: 4, completed: 4, failed: 0, concurrency: 2, bufferSize: 16, retries: 0, throughput: 20 });
      s.resetMetrics();
      expect(s.getMetrics()).toMatchObject({ started: 0, completed: 0, throughput: 0, retries: 0 });
    }));

  it('reads no clock with enableMetrics off: counts still, latency and throughput 0', () =>
    synctest.run(async () => {
      const s = new PipelineStage({ processor: slow(100), enableMetrics: false });
      await s.processBatch(range(3));
      expect(s.getMetrics()).toMatchObject({ completed: 3, throughput: 0 });
      expect(s.getLatency()).toBe(0);
    }));

  it('rejects processBatch with PipelineStageError on the first failure, process with the error itself', () =>
    synctest.run(async () => {
      const handled: unknown[] = [];
      const s = new PipelineStage({
        name: 'odd',
        processor: (x: number) => {
          if (x % 2 === 1) throw new Error(`odd ${x}`);
          return x;
        },
        errorHandler: (e) => handled.push(e.message),
      });
      await expect(s.processBatch([0, 2, 3, 4])).rejects.toBeInstanceOf(PipelineStageError);
      await expect(s.process(5)).rejects.toThrow('odd 5');
      expect(handled).toEqual(['odd 3', 'odd 5']);
      expect(s.getMetrics().failed).toBe(2);
    }));

  it('rejects process with PipelineFilteredError when the processor returns DROP', () =>
    synctest.run(async () => {
      const s = new PipelineStage({ processor: (x: number) => (x < 0 ? DROP : x) });
      expect(await s.processBatch([1, -1, 2])).toEqual([1, 2]);
      expect(isPipelineFilteredError(await s.process(-1).catch((e: unknown) => e))).toBe(true);
    }));

  it('retries with its retryAttempts and a given RetryPolicy', () =>
    synctest.run(async () => {
      let n = 0;
      const s = new PipelineStage({
        processor: () => {
          if (++n < 3) throw new Error('again');
          return n;
        },
        retryPolicy: new RetryPolicy({ maxAttempts: 3, initialDelay: 50, backoffStrategy: 'fixed', jitter: 'none' }),
      });
      const clock = stopwatch();
      expect(await s.process(0)).toBe(3);
      expect(clock()).toBe(100);
      expect(s.getMetrics().retries).toBe(2);
      let m = 0;
      const t = new PipelineStage({ processor: () => ((m++, sleep(1)).then(() => Promise.reject(new Error('no')))), retryAttempts: 1 });
      await expect(t.process(0)).rejects.toThrow('no');
      expect(m).toBe(2);
    }));

  it('stops waiting when canceled: the processor ctx is canceled and process rejects with the cause', () =>
    synctest.run(async () => {
      const ac = new AbortController();
      let seen: unknown = null;
      const s = new PipelineStage({
        processor: async (x: number, ctx) => {
          await sleep(1000);
          seen = ctx.err();
          return x;
        },
        retryAttempts: 3,
      });
      const ctl = new AbortController();
      ctl.abort(new Error('before'));
      await expect(s.processBatch([1, 2], ctl.signal)).rejects.toThrow('before');
      const p = s.process(1, ac.signal);
      await sleep(10);
      ac.abort(new Error('bye'));
      expect(await p).toBe(1); // the processor ignored its ctx and finished...
      expect(isCanceled(seen)).toBe(true); // ...but it was told
    }));

  it('refuses work after stop with PatternStoppedError, and accepts it again after start', () =>
    synctest.run(async () => {
      const s = new PipelineStage({ name: 'st', processor: (x: number) => x });
      await s.stop();
      expect(s.isRunning()).toBe(false);
      await expect(s.process(1)).rejects.toBeInstanceOf(PatternStoppedError);
      await expect(s.processBatch([1])).rejects.toThrow('st: not running (stopped)');
      await s.start();
      expect(await s.process(1)).toBe(1);
    }));
});
