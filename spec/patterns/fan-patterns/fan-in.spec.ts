import { describe, expect, it } from 'vitest';
import { chan, type Chan, type RecvChan, isInvalidArgumentError, go, synctest, sleep } from '../../../runtime/index.js';
import {
  isPatternStoppedError,
  isFanInTimeoutError,
  isFanItemError,
  type FanItemError,
  FanIn,
  priorityMerge,
  roundRobinMerge,
  type MergeStrategy,
} from '../../../patterns/index.js';
import { seeds } from '../../stress.js';
import { stopwatch } from './helpers.js';
import { rng } from '../../prng.js';

/** filled returns a closed channel holding `values`. */
function filled<T>(values: readonly T[]): Chan<T> {
  const ch = chan<T>(values.length);
  for (const v of values) ch.trySend(v);
  ch.close();
  return ch;
}

/** drain receives everything from `ch` until it is closed. */
async function drain<T>(ch: RecvChan<T>): Promise<T[]> {
  const got: T[] = [];
  for await (const v of ch) got.push(v);
  return got;
}

/** producer sends `values` on a new unbuffered channel, `gap` ms apart, then closes it. */
function producer<T>(values: readonly T[], gap: number): Chan<T> {
  const ch = chan<T>();
  go(async () => {
    for (const v of values) {
      await sleep(gap);
      await ch.send(v);
    }
    ch.close();
  });
  return ch;
}

describe('FanIn.merge', () => {
  it('merges channels and AsyncIterables into one channel that closes when all inputs have ended', async () => {
    await synctest.run(async () => {
      const f = new FanIn<string>();
      async function* gen(): AsyncGenerator<string> {
        yield 'g1';
        await sleep(15);
        yield 'g2';
      }
      f.addInput(producer(['a1', 'a2', 'a3'], 10));
      f.addInput(filled(['b1']));
      f.addInput(gen());
      expect(f.getInputCount()).toBe(3);
      const got = await drain(f.merge());
      expect(got.sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'g1', 'g2']);
      expect(f.getInputCount()).toBe(0);
      expect(f.err()).toBeUndefined();
      expect(f.getMetrics()).toMatchObject({ completed: 6, inputsEnded: 3, merging: false, strategy: 'round-robin' });
    });
  });

  it('delivers in arrival order, ready inputs alternating (Go merge: FIFO senders)', async () => {
    await synctest.run(async () => {
      const f = new FanIn<string>();
      f.addInput(producer(['a1', 'a2', 'a3'], 10));
      f.addInput(producer(['b1', 'b2'], 16));
      expect(await drain(f.merge())).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
    });
  });

  it('closes at once with no inputs, and a merge can run again once the previous one ended', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      expect(await drain(f.merge())).toEqual([]);
      f.addInput(filled([1, 2]));
      expect(await drain(f.merge())).toEqual([1, 2]);
    });
  });

  it('merges an input added while the merge runs', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      f.addInput(producer([1, 2, 3], 10));
      const out = f.merge();
      expect(await out.recv()).toBe(1);
      f.addInput(filled([100]));
      expect((await drain(out)).sort((a, b) => a - b)).toEqual([2, 3, 100]);
    });
  });

  it('throws InvalidArgumentError for a second merge while one runs', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      f.addInput(filled([1]));
      const out = f.merge();
      expect(() => f.merge()).toThrow('FanIn: a merge is already running; share its channel');
      await drain(out);
    });
  });

  it('buffers bufferSize values in the output', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>({ bufferSize: 3 });
      f.addInput(filled([1, 2, 3, 4, 5]));
      const out = f.merge();
      await synctest.wait();
      expect(out.len()).toBe(3);
      expect(out.cap()).toBe(3);
      expect(await drain(out)).toEqual([1, 2, 3, 4, 5]);
    });
  });
});

describe('FanIn strategies', () => {
  it("'priority' sends the highest-priority ready value first", async () => {
    await synctest.run(async () => {
      const f = new FanIn<string>({ mergeStrategy: 'priority' });
      f.addInput(filled(['l1', 'l2']), { priority: 1 });
      f.addInput(filled(['h1', 'h2', 'h3']), { priority: 5 });
      f.addInput(filled(['m1']), { priority: 3 });
      expect(await drain(f.merge())).toEqual(['h1', 'h2', 'h3', 'm1', 'l1', 'l2']);
      expect(f.getMetrics().strategy).toBe('priority');
    });
  });

  it('priority falls back to lower inputs while the higher ones have nothing ready', async () => {
    await synctest.run(async () => {
      const f = new FanIn<string>();
      f.addInput(producer(['h1', 'h2'], 10), { priority: 9 });
      f.addInput(filled(['l1', 'l2']));
      const out = f.mergeWithStrategy(priorityMerge());
      expect(await drain(out)).toEqual(['l1', 'l2', 'h1', 'h2']);
    });
  });

  it('roundRobinMerge takes ready inputs strictly in turn', async () => {
    await synctest.run(async () => {
      const f = new FanIn<string>();
      f.addInput(filled(['a1', 'a2', 'a3']));
      f.addInput(filled(['b1']));
      f.addInput(filled(['c1', 'c2']));
      expect(await drain(f.mergeWithStrategy(roundRobinMerge()))).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    });
  });

  it('a custom strategy picking the smallest head makes a k-way merge of sorted inputs', async () => {
    await synctest.run(async () => {
      const smallest: MergeStrategy<number> = {
        name: 'smallest',
        select: (cs) => cs.reduce((best, c, i) => (c.value < cs[best]!.value ? i : best), 0),
      };
      const f = new FanIn<number>({ mergeStrategy: smallest });
      f.addInput(filled([1, 4, 9]));
      f.addInput(filled([2, 3, 10]));
      f.addInput(filled([5, 6]));
      // every input is ready before the merger starts, so each choice sees every input's head
      expect(await drain(f.merge())).toEqual([1, 2, 3, 4, 5, 6, 9, 10]);
      expect(f.getMetrics().strategy).toBe('smallest');
    });
  });

  it('ends the merge with InvalidArgumentError when a strategy picks nothing valid', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      f.addInput(filled([1, 2]));
      const out = f.mergeWithStrategy({ name: 'bad', select: () => 3 });
      expect(await drain(out)).toEqual([]);
      expect(isInvalidArgumentError(f.err())).toBe(true);
      expect((f.err() as Error).message).toBe('FanIn: merge strategy "bad" picked 3, want an integer in [0, 1)');
    });
  });
});

describe('FanIn.removeInput', () => {
  it('stops the input: values not yet taken stay in it', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      const a = chan<number>(10);
      for (let i = 1; i <= 5; i++) a.trySend(i);
      const b = producer([100, 200, 300], 10);
      f.addInput(a);
      f.addInput(b);
      const out = f.merge();
      expect(await out.recv()).toBe(1);
      expect(f.removeInput(a)).toBe(true);
      expect(f.getInputCount()).toBe(1);
      const rest = await drain(out);
      const leftover: number[] = [];
      for (let r = a.tryRecv(); r?.ok; r = a.tryRecv()) leftover.push(r.value!);
      // 1 was received; the forwarder may have held 2 and delivered it; nothing lost, nothing twice
      expect([1, ...rest.filter((v) => v < 100), ...leftover]).toEqual([1, 2, 3, 4, 5]);
      expect(rest.filter((v) => v >= 100)).toEqual([100, 200, 300]);
      expect(f.getMetrics().inputsRemoved).toBe(1);
    });
  });

  it('returns false for an input that was never added, and removes an idle input without a merge', () => {
    const f = new FanIn<number>();
    const a = filled([1]);
    expect(f.removeInput(a)).toBe(false);
    f.addInput(a);
    expect(f.removeInput(a)).toBe(true);
    expect(f.getInputCount()).toBe(0);
  });

  it('closes a removed AsyncIterable with return() after delivering the value it took', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      let closed = false;
      async function* gen(): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) {
            await sleep(5);
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      const g = gen();
      f.addInput(g);
      const out = f.merge();
      expect(await out.recv()).toBe(0);
      await synctest.wait(); // the forwarder waits in next() while the generator sleeps
      expect(f.removeInput(g)).toBe(true);
      expect(await out.recv()).toBe(1); // the value its pending next() brought in
      expect(await out.recvOk()).toEqual({ value: undefined, ok: false });
      await synctest.wait();
      expect(closed).toBe(true);
    });
  });

  it('never loses or duplicates a value across many inputs with random removals (seeded)', async () => {
    for (const seed of seeds(20)) {
      await synctest.run(async () => {
        const r = rng(seed);
        const strategy = (['round-robin', 'priority', roundRobinMerge<number>()] as const)[seed % 3]!;
        const f = new FanIn<number>({ bufferSize: Math.floor(r() * 3) });
        const inputs: Chan<number>[] = [];
        const all: number[] = [];
        const n = 2 + Math.floor(r() * 8);
        for (let i = 0; i < n; i++) {
          const count = Math.floor(r() * 30);
          const ch = chan<number>(Math.floor(r() * 4));
          const gap = Math.floor(r() * 3);
          const values = Array.from({ length: count }, (_, k) => i * 1000 + k);
          all.push(...values);
          go(async () => {
            for (const v of values) {
              if (gap) await sleep(gap);
              // a producer whose input was removed stops sending once nobody takes its values
              if (!ch.trySend(v)) await ch.send(v);
            }
            ch.close();
          });
          inputs.push(ch);
          f.addInput(ch, { priority: Math.floor(r() * 3) });
        }
        const removed = inputs.filter(() => r() < 0.3);
        const got: number[] = [];
        const out = f.mergeWithStrategy(strategy);
        go(async () => {
          for (const ch of removed) {
            await sleep(Math.floor(r() * 20));
            f.removeInput(ch);
          }
        });
        for await (const v of out) {
          got.push(v);
          if (r() < 0.2) await sleep(1);
        }
        // what the removed inputs still hold (their producers finish into the channel as it drains)
        for (const ch of removed) for await (const v of ch) got.push(v);
        expect(got.sort((a, b) => a - b), `seed ${seed}`).toEqual(all.sort((a, b) => a - b));
      });
    }
  });
});

describe('FanIn ending early', () => {
  it("ends on an AbortSignal: the output closes and err() is the signal's reason", async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>();
      f.addInput(filled([1, 2, 3]));
      f.addInput(chan<number>()); // never sends
      const ac = new AbortController();
      const out = f.merge(ac.signal);
      expect(await out.recv()).toBe(1);
      ac.abort('no');
      await synctest.wait();
      expect(await drain(out)).toEqual([]);
      expect(f.err()).toBe('no');
      expect(f.getInputCount()).toBe(2); // cut short, not ended: they can be merged again
    });
  });

  it('ends with FanInTimeoutError when no input delivers for timeout ms', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>({ timeout: 30, mergeStrategy: 'priority' });
      f.addInput(producer([1, 2, 3], 20)); // steady: every 20 ms
      const silent = chan<number>();
      f.addInput(silent);
      const took = stopwatch();
      const out = f.merge();
      expect(await drain(out)).toEqual([1, 2, 3]);
      expect(took()).toBe(90); // the last value at 60, then 30 ms of silence
      expect(isFanInTimeoutError(f.err())).toBe(true);
      expect((f.err() as Error).message).toBe('fan-in: no input delivered a value for 30 ms');
    });
  });

  it('does not time out while a value waits for a slow consumer', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>({ timeout: 10 });
      f.addInput(filled([1, 2, 3]));
      const out = f.merge();
      const got: number[] = [];
      for await (const v of out) {
        got.push(v);
        await sleep(50);
      }
      expect(got).toEqual([1, 2, 3]);
      expect(f.err()).toBeUndefined();
    });
  });

  it('reports an input that throws (FanItemError with its position) and goes on with the others', async () => {
    await synctest.run(async () => {
      const reported: FanItemError[] = [];
      const f = new FanIn<number>({ errorHandler: (e) => reported.push(e as FanItemError) });
      async function* broken(): AsyncGenerator<number> {
        yield 7;
        throw new Error('disk on fire');
      }
      f.addInput(filled([1, 2]));
      f.addInput(broken());
      expect((await drain(f.merge())).sort()).toEqual([1, 2, 7]);
      expect(reported).toHaveLength(1);
      expect(isFanItemError(reported[0])).toBe(true);
      expect(reported[0]!.index).toBe(1);
      expect((f.err() as Error).message).toBe('disk on fire');
      expect(f.getMetrics()).toMatchObject({ errors: 1, inputsEnded: 2 });
    });
  });

  it('stop ends the merge (err() PatternStoppedError) and refuses inputs and merges until start', async () => {
    await synctest.run(async () => {
      const f = new FanIn<number>({ name: 'fi' });
      f.addInput(chan<number>());
      const out = f.merge();
      await synctest.wait();
      await f.stop();
      expect(await out.recvOk()).toEqual({ value: undefined, ok: false });
      expect(isPatternStoppedError(f.err())).toBe(true);
      expect(() => f.addInput(filled([1]))).toThrow('fi: not running (stopped)');
      expect(() => f.merge()).toThrow('fi: not running (stopped)');
      await f.start();
      f.addInput(filled([1]));
      expect(f.getInputCount()).toBe(2);
    });
  });
});

describe('FanIn misuse', () => {
  it('throws InvalidArgumentError for a non-input, a duplicate input, a bad priority or a bad strategy', () => {
    const f = new FanIn<number>();
    const a = filled([1]);
    expect(() => f.addInput(42 as never)).toThrow('FanIn: input must be a channel or an AsyncIterable, got 42');
    f.addInput(a);
    expect(() => f.addInput(a)).toThrow('FanIn: input already added');
    expect(() => f.addInput(filled([2]), { priority: NaN })).toThrow('FanIn: priority must be a finite number, got NaN');
    expect(() => f.mergeWithStrategy('random' as never)).toThrow(
      'FanIn: strategy must be "round-robin", "priority" or a MergeStrategy ({ name, select(candidates) }), got "random"',
    );
  });
});
