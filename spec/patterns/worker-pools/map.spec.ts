/**
 * WorkerPool.map: ordered and unordered outputs, the concurrency bound, stopOnError (p-map's default) and its
 * AggregateError, the cancel (one cancellation rule), stop() on the channel, counts. On the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  background,
  withCancelCause,
  type Context,
  chan,
  go,
  isInvalidArgumentError,
  recvCase,
  select,
  synctest,
  after,
  nowMillis,
  sleep,
} from '../../../runtime/index.js';
import { isPatternStoppedError, FixedWorkerPool } from '../../../patterns/index.js';

/** work sleeps |x| ms (virtual time) honouring its Context; a negative x fails after its sleep. */
const work = async (x: number, ctx: Context): Promise<number> => {
  await select([recvCase(after(Math.abs(x))), recvCase(ctx.done())]);
  if (ctx.err() !== null) throw ctx.err();
  if (x < 0) throw new RangeError(`bad ${x}`);
  return x;
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('WorkerPool.map', () => {
  it('delivers the outputs in input order by default', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(3, { worker: work });
      expect(await collect(pool.map([30, 10, 20, 5, 1]))).toEqual([30, 10, 20, 5, 1]);
      await pool.stop();
    }));

  it('delivers them as they end with ordered: false', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(3, { worker: work });
      expect(await collect(pool.map([30, 10, 20], { ordered: false }))).toEqual([10, 20, 30]);
      await pool.stop();
    }));

  it('takes at most concurrency inputs that are not yet delivered, from a lazy iterable, with a slow reader', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(4, { worker: work });
      let pulled = 0;
      function* inputs(): Generator<number> {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield 1;
        }
      }
      const out = pool.map(inputs(), { concurrency: 3 });
      let got = 0;
      let maxAhead = 0;
      for await (const v of out) {
        got += v;
        maxAhead = Math.max(maxAhead, pulled - got);
        await sleep(10); // a slow reader
      }
      expect(got).toBe(100);
      // 3 outstanding, plus one output handed to the channel's pump and one pulled while the feeder waits for room
      expect(maxAhead).toBeLessThanOrEqual(5);
      await pool.stop();
    }));

  it('accepts an async iterable, a channel for one', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const src = chan<number>();
      go(async () => {
        for (const x of [3, 2, 1]) await src.send(x);
        src.close();
      });
      expect(await collect(pool.map(src))).toEqual([3, 2, 1]);
      await pool.stop();
    }));

  it('stops on the first error by default: the channel ends with it, the rest are given up and counted canceled', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const t0 = nowMillis();
      const out = pool.map([10, -20, 1000, 1000, 1000]);
      const seen: number[] = [];
      const err = await (async () => {
        for await (const v of out) seen.push(v);
      })().catch((e: unknown) => e);
      expect(seen).toEqual([10]);
      expect(err).toBeInstanceOf(RangeError);
      expect(out.err()).toBe(err);
      expect(nowMillis() - t0).toBe(20); // the 1000 ms jobs were given up, not awaited
      await pool.onIdle();
      await pool.stop();
      const m = pool.getMetrics();
      expect(m.completed + m.failed + m.canceled + m.rejected).toBe(m.submitted);
      expect([m.completed, m.failed]).toEqual([1, 1]);
      expect(m.canceled).toBe(m.submitted - 2); // the inputs taken but not run to their end
    }));

  it('with stopOnError: false leaves the failed inputs out and ends with an AggregateError of their errors', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const out = pool.map([1, -2, 3, -4, 5], { stopOnError: false });
      const seen: number[] = [];
      const err = await (async () => {
        for await (const v of out) seen.push(v);
      })().catch((e: unknown) => e);
      expect(seen).toEqual([1, 3, 5]);
      expect(err).toBeInstanceOf(AggregateError);
      expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['bad -2', 'bad -4']);
      await pool.stop();
    }));

  it("ends with the iterable's own error", () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const boom = new Error('source broke');
      function* inputs(): Generator<number> {
        yield 1;
        throw boom;
      }
      const out = pool.map(inputs());
      await expect(collect(out)).rejects.toBe(boom);
      await pool.stop();
    }));

  it('ends with the cancel reason: signal.reason, or the context cause', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const ac = new AbortController();
      const bySignal = pool.map([1, 1000, 1000], { signal: ac.signal });
      const [ctx, cancel] = withCancelCause(background());
      const byCtx = pool.map([1, 1000, 1000], { cancel: ctx });
      const a = collect(bySignal).catch((e: unknown) => e);
      const b = collect(byCtx).catch((e: unknown) => e);
      await sleep(50);
      const why = new Error('user left');
      ac.abort(why);
      cancel(why);
      expect(await a).toBe(why);
      expect(await b).toBe(why);
      expect(bySignal.err()).toBe(why);
      await pool.onIdle();
      await pool.stop();
      const m = pool.getMetrics();
      expect(m.completed + m.failed + m.canceled + m.rejected).toBe(m.submitted);
    }));

  it('stop() on the channel ends it without an error and gives up the running inputs', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      const out = pool.map([1, 1000, 1000, 1000]);
      expect(await out.recv()).toBe(1);
      const t0 = nowMillis();
      out.stop();
      await pool.onIdle();
      expect(nowMillis()).toBe(t0);
      expect(out.err()).toBe(null);
      await pool.stop();
      const m = pool.getMetrics();
      expect(m.completed + m.failed + m.canceled + m.rejected).toBe(m.submitted);
    }));

  it('ends with PatternStoppedError on a stopped pool, and throws InvalidArgumentError for bad options', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(2, { worker: work });
      await pool.start();
      await pool.stop();
      const out = pool.map([1]);
      expect(isPatternStoppedError(await collect(out).catch((e: unknown) => e))).toBe(true);
      for (const bad of [{ concurrency: 0 }, { ordered: 'yes' }, { stopOnError: 1 }, { priority: 1 }, { nope: 1 }]) {
        expect(() => pool.map([1], bad as object)).toThrow(/concurrency|ordered|stopOnError|priority|nope/);
      }
      let e: unknown;
      try {
        pool.map(42 as unknown as number[]);
      } catch (x) {
        e = x;
      }
      expect(isInvalidArgumentError(e)).toBe(true);
    }));
});
