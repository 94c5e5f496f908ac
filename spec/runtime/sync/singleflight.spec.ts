/**
 * SingleflightGroup: x/sync's singleflight_test.go cases (TestDo, TestDoErr, TestDoDupSuppress, TestForget,
 * TestDoChan, TestPanicDo, TestPanicDoChan, TestPanicDoSharedByDoChan) ported to goroutines and channels, plus the
 * JS contract (async and sync fn, `shared`, rejections). Time-dependent cases run in a synctest bubble.
 */
import { describe, expect, it } from 'vitest';
import {
  chan,
  ChannelClosedError,
  go,
  InvalidArgumentError,
  nowMillis,
  sleep,
  SingleflightGroup,
  synctest,
  WaitGroup,
  type SingleflightResult,
} from '../../../runtime/index.js';
import { flush } from './helpers.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('SingleflightGroup (x/sync singleflight_test.go)', () => {
  it('returns what fn returns (TestDo)', async () => {
    const g = new SingleflightGroup<string>();
    const r = await g.do('key', () => 'bar');
    expect(r).toEqual({ value: 'bar', shared: false });
  });

  it('rejects with the error fn fails with (TestDoErr)', async () => {
    const g = new SingleflightGroup();
    const someErr = new Error('Some error');
    await expect(
      g.do('key', () => {
        throw someErr;
      }),
    ).rejects.toBe(someErr);
    await expect(g.do('key', () => Promise.reject(someErr))).rejects.toBe(someErr);
  });

  it('runs fn once for callers that arrive while it is in flight (TestDoDupSuppress)', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<string>();
      const wg1 = new WaitGroup();
      const wg2 = new WaitGroup();
      const c = chan<string>(1);
      let calls = 0;
      const fn = async (): Promise<string> => {
        if (++calls === 1) wg1.done(); // first invocation
        const v = (await c.recv())!;
        await c.send(v); // pump; make available for any future calls
        await sleep(10); // let more goroutines enter do
        return v;
      };
      const n = 10;
      const results: { value: string; shared: boolean }[] = [];
      wg1.add(1);
      for (let i = 0; i < n; i++) {
        wg1.add(1);
        wg2.add(1);
        go(async () => {
          try {
            wg1.done();
            results.push(await g.do('key', fn));
          } finally {
            wg2.done();
          }
        });
      }
      await wg1.wait();
      // At least one goroutine is in fn now and all of them have at least reached the line before do.
      await c.send('bar');
      await wg2.wait();
      expect(calls).toBeGreaterThan(0);
      expect(calls).toBeLessThan(n);
      // Cooperative goroutines reach do() in the same step as their wg1.done(): exactly one call, shared by all.
      expect(calls).toBe(1);
      expect(results).toEqual(Array.from({ length: n }, () => ({ value: 'bar', shared: true })));
      expect(nowMillis() - EPOCH).toBe(10);
    });
  });

  it('starts a new call after forget, and the forgotten one does not evict it (TestForget)', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<number | undefined>();
      const firstStarted = chan<void>();
      const unblockFirst = chan<void>();
      const firstFinished = chan<void>();
      go(() =>
        g.do('key', async () => {
          firstStarted.close();
          await unblockFirst.recv();
          firstFinished.close();
          return undefined;
        }),
      );
      await firstStarted.recv();
      g.forget('key');

      const unblockSecond = chan<void>();
      const secondResult = g.doChan('key', async () => {
        await unblockSecond.recv();
        return 2;
      });

      unblockFirst.close();
      await firstFinished.recv();

      const thirdResult = g.doChan('key', () => 3);

      unblockSecond.close();
      await secondResult.recv();
      const r = (await thirdResult.recv())!;
      expect(r.value, 'we should receive the result produced by the second call').toBe(2);
      expect(r).toEqual({ value: 2, err: null, shared: true });
    });
  });

  it('delivers the result on a buffered channel (TestDoChan)', async () => {
    const g = new SingleflightGroup<string>();
    const ch = g.doChan('key', () => 'bar');
    expect(ch.cap()).toBe(1);
    const res = (await ch.recv())!;
    expect(res).toEqual({ value: 'bar', err: null, shared: false });
    expect(ch.tryRecv()).toBeUndefined(); // one result per channel
  });

  it('rejects every do() caller with the panic of fn (TestPanicDo)', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup();
      const panic = new ChannelClosedError();
      const fn = async (): Promise<never> => {
        await sleep(5);
        throw panic;
      };
      const n = 5;
      const got = await Promise.all(
        Array.from({ length: n }, () =>
          g.do('key', fn).then(
            () => null,
            (e: unknown) => e,
          ),
        ),
      );
      expect(got).toEqual(Array.from({ length: n }, () => panic));
    });
  });

  it('re-raises a panic of fn in its own goroutine when doChan callers wait (TestPanicDoChan)', async () => {
    const panic = new ChannelClosedError();
    let delivered = false;
    const e = await synctest
      .run(async () => {
        const g = new SingleflightGroup();
        const ch = g.doChan('', () => {
          throw panic;
        });
        await ch.recv();
        delivered = true;
      })
      .then(
        () => null,
        (x: unknown) => x,
      );
    expect(e).toBe(panic);
    expect(delivered, 'doChan unexpectedly returned').toBe(false);
  });

  it('re-raises a panic of a do() call that doChan joined, and rejects the do() caller (TestPanicDoSharedByDoChan)', async () => {
    const panic = new ChannelClosedError();
    let doGot: unknown = null;
    let delivered = false;
    const e = await synctest
      .run(async () => {
        const g = new SingleflightGroup();
        const blocked = chan<void>();
        const unblock = chan<void>();
        go(async () => {
          doGot = await g
            .do('', async () => {
              blocked.close();
              await unblock.recv();
              throw panic;
            })
            .catch((x: unknown) => x);
        });
        await blocked.recv();
        const ch = g.doChan('', () => {
          throw new Error('doChan unexpectedly executed callback');
        });
        unblock.close();
        await ch.recv();
        delivered = true;
      })
      .then(
        () => null,
        (x: unknown) => x,
      );
    expect(e).toBe(panic);
    await flush(); // the bubble failed with the first panic; the do() caller's rejection comes right after
    expect(doGot).toBe(panic);
    expect(delivered, 'doChan unexpectedly returned').toBe(false);
  });
});

describe('SingleflightGroup', () => {
  it('reports shared true to the caller that ran fn once others joined, false when alone', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<number>();
      const fn = async (): Promise<number> => {
        await sleep(10);
        return 7;
      };
      const first = g.do('k', fn);
      const second = g.do('k', () => Promise.reject(new Error('not called')));
      expect(await first).toEqual({ value: 7, shared: true });
      expect(await second).toEqual({ value: 7, shared: true });
      expect(await g.do('k', fn)).toEqual({ value: 7, shared: false });
    });
  });

  it('does not remember a completed call: the next do() calls fn again', async () => {
    const g = new SingleflightGroup<number>();
    let calls = 0;
    const fn = (): number => ++calls;
    expect((await g.do('k', fn)).value).toBe(1);
    expect((await g.do('k', fn)).value).toBe(2);
    const failing = new Error('once');
    await expect(
      g.do('k', () => {
        throw failing;
      }),
    ).rejects.toBe(failing);
    expect((await g.do('k', fn)).value).toBe(3); // a failure is not remembered either
  });

  it('keeps keys apart', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<string>();
      const calls: string[] = [];
      const load = (k: string) => async (): Promise<string> => {
        calls.push(k);
        await sleep(5);
        return k.toUpperCase();
      };
      const [a1, b, a2] = await Promise.all([g.do('a', load('a')), g.do('b', load('b')), g.do('a', load('a'))]);
      expect([a1.value, b.value, a2.value]).toEqual(['A', 'B', 'A']);
      expect([a1.shared, b.shared, a2.shared]).toEqual([true, false, true]);
      expect(calls).toEqual(['a', 'b']);
    });
  });

  it('runs fn synchronously inside the first do(), and doChan\'s fn in a new goroutine', async () => {
    const g = new SingleflightGroup<number>();
    const order: string[] = [];
    const p = g.do('k', () => {
      order.push('do fn');
      return 1;
    });
    order.push('after do');
    g.doChan('c', () => {
      order.push('doChan fn');
      return 2;
    });
    order.push('after doChan');
    await p;
    await flush();
    expect(order).toEqual(['do fn', 'after do', 'after doChan', 'doChan fn']);
  });

  it('delivers an error to every doChan caller as err, with value undefined', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<number>();
      const boom = new Error('boom');
      const fn = async (): Promise<number> => {
        await sleep(5);
        throw boom;
      };
      const chans = [g.doChan('k', fn), g.doChan('k', fn)];
      const doer = g.do('k', fn).catch((e: unknown) => e);
      const got: (SingleflightResult<number> | undefined)[] = [];
      for (const ch of chans) got.push(await ch.recv());
      expect(got).toEqual([
        { value: undefined, err: boom, shared: true },
        { value: undefined, err: boom, shared: true },
      ]);
      expect(Object.isFrozen(got[0])).toBe(true);
      expect(await doer).toBe(boom);
    });
  });

  it('lets doChan join a do() call and do() join a doChan call', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<string>();
      let calls = 0;
      const fn = async (): Promise<string> => {
        calls++;
        await sleep(5);
        return 'v';
      };
      const viaDo = g.do('a', fn);
      const joinsDo = g.doChan('a', fn);
      const viaChan = g.doChan('b', fn);
      await synctest.wait(); // doChan's goroutine has started fn
      const joinsChan = g.do('b', fn);
      expect(await viaDo).toEqual({ value: 'v', shared: true });
      expect(await joinsDo.recv()).toEqual({ value: 'v', err: null, shared: true });
      expect(await viaChan.recv()).toEqual({ value: 'v', err: null, shared: true });
      expect(await joinsChan).toEqual({ value: 'v', shared: true });
      expect(calls).toBe(2);
    });
  });

  it('gives callers that joined before forget the forgotten call\'s outcome', async () => {
    await synctest.run(async () => {
      const g = new SingleflightGroup<number>();
      const slow = async (): Promise<number> => {
        await sleep(10);
        return 1;
      };
      const a = g.do('k', slow);
      const b = g.do('k', slow);
      g.forget('k');
      g.forget('k'); // nothing in flight: a no-op
      const c = g.do('k', async () => {
        await sleep(20);
        return 2;
      });
      expect(await a).toEqual({ value: 1, shared: true });
      expect(await b).toEqual({ value: 1, shared: true });
      expect(await c).toEqual({ value: 2, shared: false });
    });
  });

  it('throws InvalidArgumentError for a key that is not a string or a fn that is not a function', () => {
    const g = new SingleflightGroup();
    expect(() => g.do(1 as unknown as string, () => 1)).toThrow(InvalidArgumentError);
    expect(() => g.do(1 as unknown as string, () => 1)).toThrow(
      'SingleflightGroup.do: key must be a string, got 1',
    );
    expect(() => g.do('k', null as unknown as () => number)).toThrow(
      'SingleflightGroup.do: fn must be a function, got null',
    );
    expect(() => g.doChan('k', 'f' as unknown as () => number)).toThrow(
      'SingleflightGroup.doChan: fn must be a function, got "f"',
    );
    expect(() => g.forget(undefined as unknown as string)).toThrow(
      'SingleflightGroup.forget: key must be a string, got undefined',
    );
  });
});
