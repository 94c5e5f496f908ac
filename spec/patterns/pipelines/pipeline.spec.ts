import { describe, expect, it } from 'vitest';
import { synctest, sleep } from '../../../runtime/index.js';
import {
  Pipeline,
  DROP,
  PipelineStage,
  isPipelineFilteredError,
  isPipelineStageError,
  PipelineFilteredError,
  PipelineStageError,
} from '../../../patterns/index.js';
import { counted, range, stopwatch } from './helpers.js';
import { rng } from '../../prng.js';

describe('Pipeline: running items through stages', () => {
  it('chains typed stages and returns the outputs in input order despite random delays', () =>
    synctest.run(async () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const r = rng(seed);
        const p = new Pipeline<number>()
          .addStage('parse', async (x) => (await sleep(r() * 50), `${x}`), { concurrency: 3, bufferSize: 2 })
          .addStage('len', async (s) => (await sleep(r() * 50), s.length + Number(s) * 10), { concurrency: 5 })
          .addStage('fmt', (n) => `#${n}`, { concurrency: 2, bufferSize: 0 });
        const out: string[] = await p.processBatch(range(40));
        expect(out).toEqual(range(40).map((i) => `#${String(i).length + i * 10}`));
        expect(p.activeGoroutines).toBe(0);
      }
    }));

  it('runs `concurrency` items of a stage at once, and no more', () =>
    synctest.run(async () => {
      let running = 0;
      let most = 0;
      const clock = stopwatch();
      const p = new Pipeline<number>().addStage(
        'slow',
        async (x) => {
          most = Math.max(most, ++running);
          await sleep(100);
          running--;
          return x;
        },
        { concurrency: 4 },
      );
      await p.processBatch(range(8));
      expect(most).toBe(4);
      expect(clock()).toBe(200);
    }));

  it('overlaps stages: a 3-stage pipeline of 100 ms steps takes (n + 2) steps, not 3n', () =>
    synctest.run(async () => {
      const step = async (x: number): Promise<number> => (await sleep(100), x);
      const p = new Pipeline<number>().addStage('a', step).addStage('b', step).addStage('c', step);
      const clock = stopwatch();
      expect(await p.processBatch(range(10))).toEqual(range(10));
      expect(clock()).toBe(1200);
    }));

  it('delivers in completion order with ordered: false', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>({ ordered: false }).addStage(
        'wait',
        async (x) => (await sleep((5 - x) * 10), x),
        { concurrency: 5 },
      );
      expect(await p.processBatch(range(5))).toEqual([4, 3, 2, 1, 0]);
    }));

  it('keeps source order when a slow first item holds back fast ones (ordered by default)', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>().addStage('wait', async (x) => (await sleep(x === 0 ? 1000 : 1), x), {
        concurrency: 4,
        bufferSize: 4,
      });
      expect(await p.processBatch(range(20))).toEqual(range(20));
    }));

  it('filters with addFilter (sync and async predicates) and with a processor returning DROP', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>()
        .addFilter((x) => x % 2 === 0)
        .addFilter(async (x) => (await sleep(1), x !== 4), { name: 'not-four', concurrency: 2 })
        .addStage('drop-8', (x) => (x === 8 ? DROP : x * 10));
      expect(await p.processBatch(range(12))).toEqual([0, 20, 60, 100]);
      expect(p.stages.map((s) => s.name)).toEqual(['filter-0', 'not-four', 'drop-8']);
    }));

  it('accepts the seed stage object and a PipelineStage instance', () =>
    synctest.run(async () => {
      const stage = new PipelineStage({ name: 'twice', processor: (x: number) => x * 2 });
      const p = new Pipeline<string>()
        .addStage({ name: 'parse', processor: (s: string) => Number(s), concurrency: 2, bufferSize: 100 })
        .addStage(stage);
      expect(await p.processBatch(['1', '2', '3'])).toEqual([2, 4, 6]);
      expect(p.stages[0]!.concurrency).toBe(2);
      expect(p.stages[0]!.bufferSize).toBe(100);
      expect(p.stages[1]).toBe(stage);
    }));

  it('gives stages the pipeline defaults for concurrency, bufferSize and retryAttempts', () => {
    const p = new Pipeline<number>({ concurrency: 3, bufferSize: 7 }).addStage('a', (x) => x);
    expect(p.stages[0]!.concurrency).toBe(3);
    expect(p.stages[0]!.bufferSize).toBe(7);
  });

  it('passes items through a pipeline with no stages', () =>
    synctest.run(async () => {
      expect(await new Pipeline<number>().processBatch([3, 1, 2])).toEqual([3, 1, 2]);
      expect(await new Pipeline<number>().process(5)).toBe(5);
    }));

  it('processes one item with process, rejecting a filtered or failed one with a named error', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>()
        .addFilter((x) => x > 0)
        .addStage('check', (x) => {
          if (x === 13) throw new Error('unlucky');
          return x + 1;
        });
      expect(await p.process(1)).toBe(2);
      const filtered = await p.process(-1).catch((e: unknown) => e);
      expect(filtered).toBeInstanceOf(PipelineFilteredError);
      expect(isPipelineFilteredError(filtered)).toBe(true);
      expect((filtered as PipelineFilteredError).item).toBe(-1);
      const failed = await p.process(13).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(PipelineStageError);
      expect(isPipelineStageError(failed)).toBe(true);
      expect(failed).toMatchObject({ stage: 'check', item: 13, code: 'ERR_PIPELINE_STAGE' });
      expect((failed as Error).message).toBe('pipeline stage "check" failed: unlucky');
      expect(((failed as Error).cause as Error).message).toBe('unlucky');
      expect(p.deadLetters.tryRecv()).toBeUndefined(); // process reports to its caller, not to the dead letters
    }));

  it('streams an async source, and can iterate the same stream twice (one run each)', () =>
    synctest.run(async () => {
      const src = counted(5, 10);
      const p = new Pipeline<number>().addStage('sq', (x) => x * x, { concurrency: 2 });
      const stream = p.processStream(src);
      const a: number[] = [];
      for await (const v of stream) a.push(v);
      const b: number[] = [];
      for await (const v of stream) b.push(v);
      expect(a).toEqual([0, 1, 4, 9, 16]);
      expect(b).toEqual(a);
      expect(p.activeGoroutines).toBe(0);
    }));

  it('streams a sync iterable too', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>().addStage('inc', (x) => x + 1);
      const out: number[] = [];
      for await (const v of p.processStream(new Set([1, 2, 3]))) out.push(v);
      expect(out).toEqual([2, 3, 4]);
    }));

  it('counts pulled, delivered and failed items and each stage in getMetrics', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>({ name: 'm' })
        .addStage('a', async (x) => (await sleep(10), x))
        .addStage('b', (x) => {
          if (x === 2) throw new Error('two');
          return x;
        });
      await p.processBatch(range(5));
      const m = p.getMetrics();
      expect(m).toMatchObject({ name: 'm', started: 5, completed: 4, failed: 1, deadLettered: 1, errors: 1, activeRuns: 0 });
      expect(m.stages.map((s) => [s.name, s.completed, s.failed])).toEqual([
        ['a', 5, 0],
        ['b', 4, 1],
      ]);
      expect(m.stages[0]!.latency.mean).toBe(10);
      p.resetMetrics();
      expect(p.getMetrics()).toMatchObject({ started: 0, completed: 0, failed: 0, deadLettered: 0 });
    }));
});

describe('Pipeline: backpressure', () => {
  /** inFlight runs a fast source into `p`, consuming slowly, and returns the most items pulled and not delivered. */
  async function inFlight(p: Pipeline<number, number>, consumeEvery: number, n = 200): Promise<number> {
    const src = counted(n);
    let delivered = 0;
    let most = 0;
    for await (const _ of p.processStream(src)) {
      delivered++;
      most = Math.max(most, src.pulled - delivered);
      await sleep(consumeEvery);
      most = Math.max(most, src.pulled - delivered);
    }
    expect(delivered).toBe(n);
    return most;
  }

  it('never holds more than the window (bufferSize + concurrency per stage) of a fast source in flight', () =>
    synctest.run(async () => {
      const slow = async (x: number): Promise<number> => (await sleep(50), x);
      const p = new Pipeline<number>()
        .addStage('fast', (x) => x, { bufferSize: 4, concurrency: 2 })
        .addStage('slow', slow, { bufferSize: 3, concurrency: 3 });
      const window = 4 + 2 + 3 + 3;
      const most = await inFlight(p, 0);
      expect(most).toBeLessThanOrEqual(window);
      expect(most).toBeGreaterThanOrEqual(window - 1); // the buffers do fill: the bound is what holds it
    }));

  it('bounds the items in flight for a slow consumer, and in unordered mode', () =>
    synctest.run(async () => {
      for (const ordered of [true, false]) {
        const p = new Pipeline<number>({ ordered }).addStage('id', (x) => x, { bufferSize: 5, concurrency: 2 });
        expect(await inFlight(p, 100, 30)).toBeLessThanOrEqual(7);
      }
    }));

  it('bounds the reorder buffer when the first item is slow: the source waits', () =>
    synctest.run(async () => {
      const src = counted(100);
      const p = new Pipeline<number>().addStage('wait', async (x) => (await sleep(x === 0 ? 10_000 : 1), x), {
        bufferSize: 2,
        concurrency: 4,
      });
      const it = p.processStream(src)[Symbol.asyncIterator]();
      const first = it.next();
      await sleep(5000); // item 0 is still being processed
      expect(src.pulled).toBe(6); // the window, not the 100 items of the source
      expect(p.getMetrics().inFlight).toBe(6);
      expect(await first).toEqual({ done: false, value: 0 });
      await it.return!();
      expect(src.returned).toBe(true);
      expect(p.getMetrics()).toMatchObject({ inFlight: 0, activeRuns: 0, activeGoroutines: 0 });
    }));
});
