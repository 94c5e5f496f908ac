import { describe, expect, it } from 'vitest';
import { chan, go, synctest, sleep } from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  PatternStoppedError,
  isFanTimeoutError,
  type FanItemError,
  FanPattern,
} from '../../../patterns/index.js';
import { seeds } from '../../stress.js';
import { caught, gauge, never, stopwatch } from './helpers.js';
import { rng } from '../../prng.js';
import { expectRejection } from '../../rejection.js';

async function* count(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('FanPattern.process', () => {
  it('is FanOut.distribute: outputs in input order, workerCount at a time', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 2 });
      const g = gauge();
      expect(await fan.process([3, 1, 2], async (x) => (g.enter(), await sleep(x), g.leave(), x * 2))).toEqual([6, 2, 4]);
      expect(g.max).toBe(2);
      expect(fan.getMetrics().fanOut).toMatchObject({ completed: 3, workerCount: 2 });
      expect(fan.getWorkerLoads()).toEqual(new Map([[0, 0], [1, 0]]));
    });
  });
});

describe('FanPattern.processStream', () => {
  it('yields outputs in input order whatever the processors take (seeded)', async () => {
    for (const seed of seeds(10)) {
      await synctest.run(async () => {
        const r = rng(seed);
        const fan = new FanPattern<number, number>({ workerCount: 1 + Math.floor(r() * 5), reorderWindow: 1 + Math.floor(r() * 8) });
        const n = Math.floor(r() * 60);
        const delays = Array.from({ length: n }, () => Math.floor(r() * 20));
        const got = await collect(fan.processStream(count(n), async (x) => (await sleep(delays[x]!), x * x)));
        expect(got, `seed ${seed}`).toEqual(Array.from({ length: n }, (_, i) => i * i));
      });
    }
  });

  it('yields in completion order with ordered: false', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 4, ordered: false });
      expect(await collect(fan.processStream(count(4), async (x) => (await sleep(40 - 10 * x), x)))).toEqual([3, 2, 1, 0]);
    });
  });

  it('runs workerCount items at once and keeps at most reorderWindow between source and consumer', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 3, reorderWindow: 4 });
      const started: number[] = [];
      const g = gauge();
      let startedWhileZeroRan = -1;
      const it = fan.processStream(count(20), async (x) => {
        started.push(x);
        g.enter();
        await sleep(x === 0 ? 100 : 1); // item 0 holds up the in-order output
        if (x === 0) startedWhileZeroRan = started.length;
        g.leave();
        return x;
      });
      const took = stopwatch();
      const got = await collect(it);
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(g.max).toBe(3);
      // while item 0 runs (100 ms), only items 1..3 may start: the window holds 4 items
      expect(took()).toBeGreaterThanOrEqual(100);
      expect(startedWhileZeroRan).toBe(4);
    });
  });

  it('takes a channel as source', async () => {
    await synctest.run(async () => {
      const src = chan<number>();
      go(async () => {
        for (let i = 1; i <= 5; i++) await src.send(i);
        src.close();
      });
      const fan = new FanPattern<number, string>({ workerCount: 2 });
      expect(await collect(fan.processStream(src, (x) => `<${x}>`))).toEqual(['<1>', '<2>', '<3>', '<4>', '<5>']);
    });
  });

  it('fail-fast: throws the first failed item error after the outputs before it', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 3 });
      const got: number[] = [];
      const e = await caught(
        (async () => {
          for await (const v of fan.processStream(count(100), async (x) => {
            await sleep(10 - (x % 10));
            if (x === 5) throw new Error('five');
            return x;
          }))
            got.push(v);
        })(),
      );
      expect(e.message).toBe('five');
      expect(got).toEqual([0, 1, 2, 3, 4]);
      expect(fan.getMetrics()).toMatchObject({ failed: 1, activeStreams: 0 });
    });
  });

  it("collect: skips failed items and reports each with its index", async () => {
    await synctest.run(async () => {
      const reported: number[] = [];
      const fan = new FanPattern<number, number>({
        workerCount: 2,
        errorMode: 'collect',
        errorHandler: (e) => reported.push((e as FanItemError).index),
      });
      const got = await collect(
        fan.processStream(count(10), (x) => {
          if (x % 4 === 0) throw new Error('no');
          return x;
        }),
      );
      expect(got).toEqual([1, 2, 3, 5, 6, 7, 9]);
      expect(reported).toEqual([0, 4, 8]);
    });
  });

  it('stops every goroutine and closes the source when the consumer breaks out', async () => {
    await synctest.run(async () => {
      let closed = false;
      async function* endless(): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
      const fan = new FanPattern<number, number>({ workerCount: 3 });
      const got: number[] = [];
      for await (const v of fan.processStream(endless(), (x) => (x === 7 ? never() : x))) {
        got.push(v);
        if (v === 4) break;
      }
      expect(got).toEqual([0, 1, 2, 3, 4]);
      await synctest.wait();
      expect(closed).toBe(true);
      expect(fan.getMetrics().activeStreams).toBe(0);
    }); // the bubble ends: no goroutine was left behind
  });

  it('throws the source error after the outputs already produced', async () => {
    await synctest.run(async () => {
      async function* broken(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        await sleep(50);
        throw new Error('source broke');
      }
      const fan = new FanPattern<number, number>({ workerCount: 2 });
      const got: number[] = [];
      const e = await caught((async () => { for await (const v of fan.processStream(broken(), (x) => x)) got.push(v); })());
      expect(e.message).toBe('source broke');
      expect(got).toEqual([1, 2]);
    });
  });

  it("ends on an AbortSignal with the signal's reason, abandoning stuck processors", async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 2 });
      const ac = new AbortController();
      const reason = new Error('client went away');
      go(async () => {
        await sleep(30);
        ac.abort(reason);
      });
      const got: number[] = [];
      const took = stopwatch();
      const e = await caught(
        (async () => {
          for await (const v of fan.processStream(count(10), (x) => (x < 3 ? x : never()), ac.signal)) got.push(v);
        })(),
      );
      expect(e).toBe(reason);
      expect(got).toEqual([0, 1, 2]);
      expect(took()).toBe(30);
    });
  });

  it('fails an item that outlasts timeout with FanTimeoutError', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ workerCount: 2, timeout: 20 });
      const e = await caught(collect(fan.processStream(count(3), async (x) => (await sleep(x * 15), x))));
      expect(isFanTimeoutError(e)).toBe(true);
      expect(e.message).toBe('item 2 timed out after 20 ms');
    });
  });

  it('stop ends the streams in progress (PatternStoppedError) and refuses new work until start', async () => {
    await synctest.run(async () => {
      const fan = new FanPattern<number, number>({ name: 'fp', workerCount: 2 });
      const p = caught(collect(fan.processStream(count(10), () => never())));
      await synctest.wait();
      await fan.stop();
      expect(isPatternStoppedError(await p)).toBe(true);
      expect(() => fan.processStream(count(1), (x) => x)).toThrow('fp: not running (stopped)');
      // process returns a promise, so it rejects; processStream returns an iterable, so it throws at the call.
      await expectRejection(() => fan.process([1], (x) => x), PatternStoppedError, 'fp: not running (stopped)');
      await fan.start();
      expect(await fan.process([1], (x) => x + 1)).toEqual([2]);
    });
  });

  it('throws InvalidArgumentError at the call for a bad source or processor', () => {
    const fan = new FanPattern<number, number>();
    expect(() => fan.processStream(5 as never, (x) => x)).toThrow('FanPattern: source must be a channel or an AsyncIterable, got 5');
    expect(() => fan.processStream(count(1), null as never)).toThrow('FanPattern: processor must be a function, got null');
  });
});
