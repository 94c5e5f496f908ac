import { describe, expect, it } from 'vitest';
import {
  background,
  withCancel,
  type Context,
  Canceled,
  isCanceled,
  isDeadlineExceeded,
  go,
  synctest,
  sleep,
} from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  PatternStoppedError,
  type DeadLetter,
  isPipelineStageError,
  PipelineStageError,
  Pipeline,
  RetryPolicy,
} from '../../../patterns/index.js';
import { counted, range, stopwatch } from './helpers.js';

const boom = (bad: number[]) => (x: number): number => {
  if (bad.includes(x)) throw new Error(`bad ${x}`);
  return x;
};

async function drain(p: Pipeline<number, number>): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  for (let r = p.deadLetters.tryRecv(); r !== undefined; r = p.deadLetters.tryRecv()) out.push(r.value!);
  return out;
}

describe('Pipeline: error isolation', () => {
  it('sends a failing item to deadLetters with the item, the stage name and the error, and the rest flows on', () =>
    synctest.run(async () => {
      const handled: string[] = [];
      const p = new Pipeline<number>({ errorHandler: (e) => handled.push(e.message) })
        .addStage('double', (x) => x * 2, { concurrency: 3 })
        .addStage('check', boom([4, 10]), { concurrency: 2 });
      expect(await p.processBatch(range(7))).toEqual([0, 2, 6, 8, 12]);
      const dead = (await drain(p)).sort((a, b) => (a.item as number) - (b.item as number)); // no order across goroutines
      expect(dead.map((d) => [d.item, d.stage, (d.error as Error).message])).toEqual([
        [4, 'check', 'bad 4'],
        [10, 'check', 'bad 10'],
      ]);
      expect(handled.sort()).toEqual(['bad 10', 'bad 4']);
    }));

  it('drops dead letters that find deadLetters full, and counts them', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>({ deadLetterBufferSize: 2 }).addStage('x', boom(range(5)));
      expect(await p.processBatch(range(5))).toEqual([]);
      expect((await drain(p)).map((d) => d.item)).toEqual([0, 1]);
      expect(p.getMetrics()).toMatchObject({ deadLettered: 5, deadLettersDropped: 3, failed: 5 });
    }));

  it('lets a reader of deadLetters receive them while the stream runs', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>({ deadLetterBufferSize: 0 }).addStage('x', boom([1, 3]));
      const seen: unknown[] = [];
      go(async () => {
        for await (const d of p.deadLetters) seen.push(d.item);
      });
      await sleep(1);
      for await (const _ of p.processStream(counted(5, 10)));
      expect(seen).toEqual([1, 3]);
      expect(p.getMetrics().deadLettersDropped).toBe(0);
      await p.stop(); // closes deadLetters: the reader's loop ends
      expect(p.deadLetters.tryRecv()).toEqual({ value: undefined, ok: false });
      await p.start(); // a restarted pipeline has a fresh deadLetters channel
      expect(await p.processBatch([3])).toEqual([]);
      expect(p.deadLetters.tryRecv()).toBeUndefined(); // open again (and unbuffered, with no reader: dropped)
      expect(p.getMetrics()).toMatchObject({ deadLettered: 3, deadLettersDropped: 1 });
    }));

  it('ends the run at the first failure with failFast, rejecting with PipelineStageError, all goroutines returned', () =>
    synctest.run(async () => {
      const src = counted();
      const p = new Pipeline<number>({ failFast: true })
        .addStage('a', async (x) => (await sleep(10), x), { concurrency: 4 })
        .addStage('b', boom([7]), { concurrency: 2 });
      const seen: number[] = [];
      const e = await (async () => {
        for await (const v of p.processStream(src)) seen.push(v);
      })().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PipelineStageError);
      expect(isPipelineStageError(e)).toBe(true);
      expect(e).toMatchObject({ stage: 'b', item: 7 });
      expect(seen).toEqual(range(seen.length)); // in order, and nothing after the failure is delivered
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.length).toBeLessThanOrEqual(7);
      expect(p.activeGoroutines).toBe(0);
      expect(src.returned).toBe(true);
      expect(p.deadLetters.tryRecv()).toBeUndefined();
      await expect(p.processBatch([1, 7])).rejects.toThrow('pipeline stage "b" failed: bad 7');
    }));

  it('rejects with the source error when the source throws, after stopping every goroutine', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>().addStage('a', async (x) => (await sleep(5), x), { concurrency: 2 });
      async function* bad(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        throw new Error('source broke');
      }
      const seen: number[] = [];
      const e = await (async () => {
        for await (const v of p.processStream(bad())) seen.push(v);
      })().catch((err: unknown) => err);
      expect((e as Error).message).toBe('source broke');
      expect(p.activeGoroutines).toBe(0);
      function* badSync(): Generator<number> {
        yield 1;
        throw new Error('sync source broke');
      }
      await expect(p.processBatch([...[]]).then(() => p.processStream(badSync())[Symbol.asyncIterator]().next())).rejects.toThrow(
        'sync source broke',
      );
    }));
});

describe('Pipeline: retries', () => {
  const policy = new RetryPolicy({ maxAttempts: 3, initialDelay: 100, jitter: 'none', backoffStrategy: 'fixed' });

  it('retries a failing item per stage, waiting the policy delay, and counts the retries', () =>
    synctest.run(async () => {
      const calls = new Map<number, number>();
      const flaky = (x: number): number => {
        const n = (calls.get(x) ?? 0) + 1;
        calls.set(x, n);
        if (x === 1 && n < 3) throw new Error(`flaky ${n}`);
        return x;
      };
      const clock = stopwatch();
      const p = new Pipeline<number>().addStage('flaky', flaky, { retryPolicy: policy });
      expect(await p.processBatch([1])).toEqual([1]);
      expect(clock()).toBe(200);
      expect(calls.get(1)).toBe(3);
      expect(p.stages[0]!.getMetrics().retries).toBe(2);
    }));

  it('dead-letters the last error once retries run out (retryAttempts from the pipeline default)', () =>
    synctest.run(async () => {
      let calls = 0;
      const p = new Pipeline<number>({ retryAttempts: 2 }).addStage('never', (x) => {
        calls++;
        throw new Error(`attempt ${calls} of ${x}`);
      });
      expect(await p.processBatch([9])).toEqual([]);
      const [d] = await drain(p as unknown as Pipeline<number, number>);
      expect(calls).toBe(3);
      expect(d).toMatchObject({ item: 9, stage: 'never' });
      expect((d!.error as Error).message).toBe('attempt 3 of 9');
    }));

  it('times out a slow attempt with the stage timeout (DeadlineExceeded), canceling its ctx', () =>
    synctest.run(async () => {
      let sawCancel = false;
      const p = new Pipeline<number>().addStage(
        'slow',
        async (x, ctx) => {
          if (x === 1) {
            await sleep(1000);
            sawCancel = ctx.err() !== null;
          }
          return x;
        },
        { timeout: 100, concurrency: 2 },
      );
      const clock = stopwatch();
      expect(await p.processBatch([0, 1, 2])).toEqual([0, 2]);
      expect(clock()).toBe(100);
      const [d] = await drain(p);
      expect(isDeadlineExceeded(d!.error)).toBe(true);
      await sleep(1000);
      expect(sawCancel).toBe(true);
    }));
});

describe('Pipeline: cancel and clean ending', () => {
  it('stops every goroutine on abort, rejects with the reason, and calls the source return()', () =>
    synctest.run(async () => {
      const src = counted(Infinity, 10);
      const ac = new AbortController();
      const ctxs: Context[] = [];
      const p = new Pipeline<number>()
        .addStage('a', async (x, ctx) => (ctxs.push(ctx), await sleep(30), x), { concurrency: 3 })
        .addStage('b', (x) => x, { concurrency: 2 });
      go(async () => {
        await sleep(205);
        ac.abort(new Error('enough'));
      });
      const seen: number[] = [];
      const e = await (async () => {
        for await (const v of p.processStream(src, ac.signal)) seen.push(v);
      })().catch((err: unknown) => err);
      expect((e as Error).message).toBe('enough');
      expect(seen.length).toBeGreaterThan(5);
      expect(seen).toEqual(range(seen.length));
      expect(p.activeGoroutines).toBe(0);
      expect(p.getMetrics().activeRuns).toBe(0);
      expect(src.returned).toBe(true);
      expect(ctxs.at(-1)!.err()).not.toBeNull();
    }));

  it('stops every goroutine on abort even while the consumer is not iterating (drainers empty the channels)', () =>
    synctest.run(async () => {
      const src = counted();
      const ac = new AbortController();
      const p = new Pipeline<number>()
        .addStage('a', (x) => x, { bufferSize: 2 })
        .addStage('b', (x) => x, { bufferSize: 2 });
      const it = p.processStream(src, ac.signal)[Symbol.asyncIterator]();
      expect(await it.next()).toEqual({ done: false, value: 0 });
      await sleep(10); // every channel fills up; the goroutines park in send
      expect(p.activeGoroutines).toBe(3);
      ac.abort(new Error('stop'));
      await sleep(10);
      expect(p.activeGoroutines).toBe(0);
      expect(src.returned).toBe(true);
      await expect(it.next()).rejects.toThrow('stop');
      expect(p.getMetrics().activeRuns).toBe(0);
    }));

  it('rejects with Canceled when a Context is canceled, and at once for one canceled before', () =>
    synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      const p = new Pipeline<number>().addStage('a', async (x) => (await sleep(10), x));
      const run = p.processBatch(range(100), ctx);
      await sleep(55);
      cancel();
      const e = await run.catch((err: unknown) => err);
      expect(e).toBe(Canceled);
      expect(isCanceled(e)).toBe(true);
      expect(p.activeGoroutines).toBe(0);
      const src = counted();
      await expect(p.processBatch([1], ctx)).rejects.toBe(Canceled);
      const it = p.processStream(src, ctx)[Symbol.asyncIterator]();
      await expect(it.next()).rejects.toBe(Canceled);
      expect(src.pulled).toBe(0);
    }));

  it('ends cleanly when the consumer breaks: return() called on the source, every goroutine returned', () =>
    synctest.run(async () => {
      const src = counted();
      const p = new Pipeline<number>()
        .addStage('a', async (x) => (await sleep(1), x), { concurrency: 4 })
        .addStage('b', (x) => x * 2, { concurrency: 2 });
      const seen: number[] = [];
      for await (const v of p.processStream(src)) {
        seen.push(v);
        if (seen.length === 10) break;
      }
      expect(seen).toEqual(range(10).map((x) => x * 2));
      expect(src.returned).toBe(true);
      expect(p.activeGoroutines).toBe(0);
    }));

  it('does not hang a break on a source whose next() never settles', () =>
    synctest.run(async () => {
      let returned = false;
      const stuck: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => {
          let i = 0;
          return {
            next: () => (i < 2 ? Promise.resolve({ done: false, value: i++ }) : new Promise<never>(() => {})),
            return: () => ((returned = true), Promise.resolve({ done: true, value: undefined })),
          };
        },
      };
      const p = new Pipeline<number>().addStage('a', (x) => x);
      const seen: number[] = [];
      for await (const v of p.processStream(stuck)) {
        seen.push(v);
        if (seen.length === 2) break;
      }
      expect(seen).toEqual([0, 1]);
      expect(returned).toBe(true);
      expect(p.activeGoroutines).toBe(0);
    }));

  it('stop() cancels the runs in progress with PatternStoppedError and refuses new ones', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>({ name: 'etl' }).addStage('a', async (x) => (await sleep(10), x), { concurrency: 2 });
      const run = p.processBatch(range(100));
      await sleep(35);
      await p.stop();
      const e = await run.catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PatternStoppedError);
      expect(isPatternStoppedError(e)).toBe(true);
      expect(p.activeGoroutines).toBe(0);
      expect(() => p.processStream([1])).toThrow(PatternStoppedError);
      await expect(p.processBatch([1])).rejects.toThrow('etl: not running (stopped)');
      await expect(p.process(1)).rejects.toThrow(PatternStoppedError);
    }));
});
