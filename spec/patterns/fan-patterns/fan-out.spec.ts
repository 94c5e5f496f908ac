import { describe, expect, it } from 'vitest';
import {
  chan,
  withTimeout,
  background,
  cause,
  DeadlineExceeded,
  isCanceled,
  isDeadlineExceeded,
  InvalidArgumentError,
  isInvalidArgumentError,
  go,
  synctest,
  sleep,
} from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  PatternStoppedError,
  FanItemError,
  isFanItemError,
  isFanOutError,
  isFanTimeoutError,
  type FanOutError,
  FanOut,
  leastLoaded,
  roundRobin,
  type LoadBalancer,
} from '../../../patterns/index.js';
import { expectRejection } from '../../rejection.js';
import { seeds } from '../../stress.js';
import { caught, gauge, never, pick, stopwatch } from './helpers.js';
import { rng } from '../../prng.js';

const items = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('FanOut.distribute', () => {
  it('returns the outputs in input order, running at most workerCount items at once', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 3 });
      const g = gauge();
      const took = stopwatch();
      const out = await f.distribute(items(9), async (x) => {
        g.enter();
        await sleep(10 + (x % 3));
        g.leave();
        return x * 10;
      });
      expect(out).toEqual(items(9).map((x) => x * 10));
      expect(g.max).toBe(3);
      expect(took()).toBeLessThanOrEqual(36);
    });
  });

  it('returns outputs in completion order with ordered: false', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 4, ordered: false });
      expect(await f.distribute([40, 10, 30, 20], async (ms) => (await sleep(ms), ms))).toEqual([10, 20, 30, 40]);
    });
  });

  it('hands items to the workers in batches of batchSize', async () => {
    await synctest.run(async () => {
      // 4 items in batches of 3: only two batches, so only two workers run, and the first works 3 items in a row
      const f = new FanOut<number, number>({ workerCount: 3, batchSize: 3 });
      const g = gauge();
      const took = stopwatch();
      const out = await f.distribute(items(4), async (x) => (g.enter(), await sleep(10), g.leave(), x));
      expect(out).toEqual(items(4));
      expect(g.max).toBe(2);
      expect(took()).toBe(30);
      expect(f.getMetrics()).toMatchObject({ batches: 2, completed: 4, calls: 1, activeCalls: 0 });
    });
  });

  it('passes a synchronous processor and an empty input through', async () => {
    const f = new FanOut<number, string>({ workerCount: 2 });
    expect(await f.distribute([1, 2, 3], (x) => `#${x}`)).toEqual(['#1', '#2', '#3']);
    expect(await f.distribute([], (x) => `#${x}`)).toEqual([]);
  });

  it('fail-fast: rejects with the first failing item error and starts no more items', async () => {
    await synctest.run(async () => {
      const seen: number[] = [];
      const reported: unknown[] = [];
      const f = new FanOut<number, number>({ workerCount: 2, errorHandler: (e) => reported.push(e) });
      const boom = new Error('boom at 3');
      const e = await caught(
        f.distribute(items(10), async (x) => {
          seen.push(x);
          await sleep(x === 3 ? 5 : 10);
          if (x === 3) throw boom;
          return x;
        }),
      );
      expect(e).toBe(boom);
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(reported).toHaveLength(1);
      expect(isFanItemError(reported[0])).toBe(true);
      expect((reported[0] as FanItemError).index).toBe(3);
      expect((reported[0] as FanItemError).cause).toBe(boom);
      expect(f.getMetrics()).toMatchObject({ failed: 1, errors: 1, activeCalls: 0 });
    });
  });

  it('collect: runs every item and rejects with a FanOutError listing the failures by index', async () => {
    await synctest.run(async () => {
      const reported: number[] = [];
      const f = new FanOut<number, number>({
        workerCount: 3,
        errorMode: 'collect',
        errorHandler: (e) => reported.push((e as FanItemError).index),
      });
      const e = (await caught(
        f.distribute(items(8), async (x) => {
          await sleep(8 - x);
          if (x % 3 === 1) throw new Error(`bad ${x}`);
          return x;
        }),
      )) as FanOutError<number>;
      expect(isFanOutError(e)).toBe(true);
      expect(e.failures.map((f) => [f.index, (f.cause as Error).message])).toEqual([
        [1, 'bad 1'],
        [4, 'bad 4'],
        [7, 'bad 7'],
      ]);
      expect(e.results).toEqual([0, undefined, 2, 3, undefined, 5, 6, undefined]);
      expect(e.message).toBe('3 of 8 items failed; first: item 1 failed: bad 1');
      expect(reported.sort()).toEqual([1, 4, 7]);
    });
  });

  it('fails an item that outlasts timeout with FanTimeoutError and aborts its context', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2, timeout: 50 });
      let aborted: unknown;
      let why: unknown;
      const took = stopwatch();
      const e = await caught(
        f.distribute([10, 100, 20], async (ms, ctx) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
            why = cause(ctx);
          });
          await sleep(ms);
          return ms;
        }),
      );
      expect(isFanTimeoutError(e)).toBe(true);
      expect(e.message).toBe('item 1 timed out after 50 ms');
      // The signal says what happened (a deadline, as ctx.err()); cause(ctx) says why.
      expect(aborted).toBe(DeadlineExceeded);
      expect(why).toBe(e);
      expect(took()).toBe(50);
      expect(f.getMetrics().timeouts).toBe(1);
      expect(await f.distribute([10, 20], async (ms) => (await sleep(ms), ms))).toEqual([10, 20]);
    });
  });

  it('stops at once on an AbortSignal, even with processors that never return', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2 });
      const ac = new AbortController();
      const started: number[] = [];
      const p = f.distribute(items(5), (x) => (started.push(x), never()), ac.signal);
      await synctest.wait();
      expect(f.getWorkerLoads()).toEqual(new Map([[0, 1], [1, 1]]));
      const reason = new Error('client went away');
      ac.abort(reason);
      expect(await caught(p)).toBe(reason);
      expect(started).toEqual([0, 1]);
      expect(f.getWorkerLoads()).toEqual(new Map([[0, 0], [1, 0]]));
    });
  });

  it('rejects with DeadlineExceeded when its context expires', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2 });
      const [ctx, cancel] = withTimeout(background(), 25);
      const took = stopwatch();
      const e = await caught(f.distribute(items(10), async (x) => (await sleep(10), x), ctx));
      cancel();
      expect(isDeadlineExceeded(e)).toBe(true);
      expect(took()).toBe(25);
    });
  });

  it('retries a failed item retryAttempts times', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2, retryAttempts: 2 });
      const tries = new Map<number, number>();
      const out = await f.distribute(items(4), async (x) => {
        const n = (tries.get(x) ?? 0) + 1;
        tries.set(x, n);
        if (x % 2 === 0 && n < 3) throw new Error('flaky');
        return x;
      });
      expect(out).toEqual(items(4));
      expect([...tries.values()]).toEqual([3, 1, 3, 1]);
    });
  });

  it('rejects (never throws) with InvalidArgumentError for inputs that are not an array or a processor that is not a function', async () => {
    const f = new FanOut<number, number>();
    await expectRejection(() => f.distribute(42 as never, (x) => x), InvalidArgumentError, 'FanOut: distribute inputs must be an array, got 42');
    await expectRejection(() => f.distribute([1], 'x' as never), InvalidArgumentError, 'FanOut: processor must be a function, got "x"');
    await expectRejection(
      () => f.processBatches(null as never, (b) => b),
      InvalidArgumentError,
      'FanOut: processBatches inputs must be an array, got null',
    );
  });
});

describe('FanOut under random shapes', () => {
  it('processes every item exactly once, in order, whatever the workers, batches and balancer (seeded)', async () => {
    for (const seed of seeds(15)) {
      await synctest.run(async () => {
        const r = rng(seed);
        const balancer = pick(r, [null, roundRobin(), leastLoaded()]);
        const f = new FanOut<number, number>({
          workerCount: 1 + Math.floor(r() * 6),
          batchSize: 1 + Math.floor(r() * 5),
          ...(balancer ? { enableLoadBalancing: true, loadBalancer: balancer } : {}),
        });
        const n = Math.floor(r() * 80);
        const delays = Array.from({ length: n }, () => Math.floor(r() * 10));
        const calls = new Array<number>(n).fill(0);
        const g = gauge();
        const out = await f.distribute(items(n), async (x) => {
          calls[x]!++;
          g.enter();
          await sleep(delays[x]!);
          g.leave();
          return -x;
        });
        expect(out, `seed ${seed}`).toEqual(items(n).map((x) => -x));
        expect(calls.every((c) => c === 1), `seed ${seed}`).toBe(true);
        expect(g.max, `seed ${seed}`).toBeLessThanOrEqual(f.getMetrics().workerCount);
      });
    }
  });

  it('sums getWorkerLoads over the calls in progress', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2 });
      const gate = chan<never>();
      const a = f.distribute(items(2), async (x) => (await gate.recv(), x));
      const b = f.distribute(items(1), async (x) => (await gate.recv(), x));
      await synctest.wait();
      expect(f.getWorkerLoads()).toEqual(new Map([[0, 2], [1, 1]]));
      expect(f.getMetrics().activeCalls).toBe(2);
      gate.close();
      expect([await a, await b]).toEqual([[0, 1], [0]]);
    });
  });
});

describe('FanOut.processBatches', () => {
  it('calls the processor once per batch and concatenates the outputs in order', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, string>({ workerCount: 2, batchSize: 3 });
      const batches: number[][] = [];
      const out = await f.processBatches(items(7), async (b) => {
        batches.push(b);
        await sleep(10 * (4 - b.length));
        return b.map((x) => `<${x}>`);
      });
      expect(out).toEqual(items(7).map((x) => `<${x}>`));
      expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    });
  });

  it('concatenates in completion order with ordered: false', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2, batchSize: 2, ordered: false });
      expect(await f.processBatches([30, 30, 10, 10], async (b) => (await sleep(b[0]!), b))).toEqual([10, 10, 30, 30]);
    });
  });

  it('fails a batch whose processor does not return an array', async () => {
    const f = new FanOut<number, number>({ batchSize: 2 });
    const e = await caught(f.processBatches([1, 2, 3], async () => 7 as never));
    expect(isInvalidArgumentError(e)).toBe(true);
    expect(e.message).toBe('FanOut: processBatches processor must return an array, got 7');
  });

  it('collect: reports a failed batch by the index of its first item', async () => {
    const f = new FanOut<number, number>({ batchSize: 2, errorMode: 'collect' });
    const e = (await caught(
      f.processBatches(items(6), (b) => {
        if (b.includes(3)) throw new Error('bad batch');
        return b;
      }),
    )) as FanOutError<number>;
    expect(e.failures.map((x) => x.index)).toEqual([2]);
    expect(e.results).toEqual([0, 1, 4, 5]);
  });
});

describe('FanOut load balancing', () => {
  it('roundRobin assigns batches to the workers in turn', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 3 });
      f.setLoadBalancer(roundRobin());
      const gate = chan<never>();
      const p = f.distribute(items(7), async (x) => (await gate.recv(), x));
      await synctest.wait();
      // each worker runs one item and has one waiting in its channel; the 7th waits for room
      expect(f.getWorkerLoads()).toEqual(new Map([[0, 2], [1, 2], [2, 2]]));
      expect(f.getMetrics().loadBalancer).toBe('round-robin');
      gate.close();
      expect(await p).toEqual(items(7));
    });
  });

  it('leastLoaded gives each batch to the worker with the fewest unfinished items', async () => {
    await synctest.run(async () => {
      const picks: [number[], number][] = [];
      const inner = leastLoaded();
      const spy: LoadBalancer = { name: 'spy', pick: (loads, size) => (picks.push([[...loads], inner.pick(loads, size)]), picks.at(-1)![1]) };
      const f = new FanOut<number, number>({ workerCount: 2, enableLoadBalancing: true, loadBalancer: spy });
      // item 0 is slow: worker 0 keeps it while worker 1 gets the rest as it frees up
      const out = await f.distribute([100, 1, 1, 1, 1, 1], async (ms) => (await sleep(ms), ms));
      expect(out).toEqual([100, 1, 1, 1, 1, 1]);
      for (const [loads, w] of picks) expect(loads[w]).toBe(Math.min(...loads));
      expect(picks.filter(([, w]) => w === 0)).toHaveLength(2); // the slow item and the one queued behind it
    });
  });

  it('uses a custom balancer object', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 3 });
      f.setLoadBalancer({ name: 'last', pick: (loads) => loads.length - 1 });
      const g = gauge();
      const gate = chan<never>();
      const p = f.distribute(items(4), async (x) => (g.enter(), await gate.recv(), g.leave(), x));
      await synctest.wait();
      expect(f.getWorkerLoads()).toEqual(new Map([[0, 0], [1, 0], [2, 3]])); // running, queued, held by the dispatcher
      gate.close();
      expect(await p).toEqual(items(4));
      expect(g.max).toBe(1);
    });
  });

  it('fails the call when the balancer picks a worker that does not exist', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 2 });
      f.setLoadBalancer({ name: 'bad', pick: () => 5 });
      const e = await caught(f.distribute(items(3), (x) => x));
      expect(isInvalidArgumentError(e)).toBe(true);
      expect(e.message).toBe('FanOut: load balancer "bad" picked worker 5, want an integer in [0, 2)');
      f.setLoadBalancer({ name: 'throws', pick: () => { throw new Error('balancer broke'); } });
      expect((await caught(f.distribute(items(3), (x) => x))).message).toBe('balancer broke');
    });
  });

  it('getWorkerLoads lists every worker, 0 when idle, and setLoadBalancer checks its argument', () => {
    const f = new FanOut<number, number>({ workerCount: 3 });
    expect(f.getWorkerLoads()).toEqual(new Map([[0, 0], [1, 0], [2, 0]]));
    expect(() => f.setLoadBalancer({} as never)).toThrow('FanOut: balancer must be a LoadBalancer ({ name, pick(loads, size) }), got {}');
  });
});

describe('FanOut lifecycle', () => {
  it('is running once constructed; stop cancels the calls in progress and refuses new ones until start', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ name: 'fo', workerCount: 2, timeout: 1000 });
      await synctest.wait();
      expect(f.isRunning()).toBe(true);
      const p = caught(f.distribute(items(4), () => never()));
      await synctest.wait();
      await f.stop();
      const e = await p;
      expect(isPatternStoppedError(e)).toBe(true);
      expect(e.message).toBe('fo: not running (stopping)');
      await expectRejection(() => f.distribute([1], (x) => x), PatternStoppedError, 'fo: not running (stopped)');
      await f.start();
      expect(await f.distribute([1, 2], (x) => x + 1)).toEqual([2, 3]);
    });
  });

  it('leaves no goroutine behind when a call fails or is canceled (the bubble ends)', async () => {
    await synctest.run(async () => {
      const f = new FanOut<number, number>({ workerCount: 4, batchSize: 2, timeout: 30 });
      for (let i = 0; i < 5; i++) {
        await caught(f.distribute(items(20), async (x) => (await sleep(x === 7 ? 100 : 5), x)));
      }
      go(async () => {
        const ac = new AbortController();
        const p = caught(f.distribute(items(20), () => never(), ac.signal));
        await sleep(1);
        ac.abort();
        await p;
      });
    });
  });
});
