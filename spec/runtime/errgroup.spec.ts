import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  cause,
  chan,
  ChannelClosedError,
  DeadlineExceeded,
  Group,
  InvalidArgumentError,
  isCanceled,
  isSyncMisuseError,
  now,
  recv,
  sleep,
  SyncMisuseError,
  synctest,
  withCancel,
  withContext,
  withTimeoutCause,
  type Context,
} from '../../runtime/index.js';
import { rejection } from '../rejection.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('Group', () => {
  it('waits for every goroutine and resolves when none failed', async () => {
    await synctest.run(async () => {
      const g = new Group();
      const done: number[] = [];
      for (const ms of [30, 10, 20]) {
        await g.go(async () => {
          await sleep(ms);
          done.push(ms);
        });
      }
      await g.wait();
      expect(done).toEqual([10, 20, 30]);
      expect(now().getTime()).toBe(EPOCH + 30);
    });
  });

  it('resolves wait at once with no goroutines', async () => {
    await expect(new Group().wait()).resolves.toBeUndefined();
  });

  it('starts goroutines after the caller continues, as go does', async () => {
    const g = new Group();
    let ran = false;
    const started = g.go(() => {
      ran = true;
    });
    expect(ran).toBe(false);
    await started;
    await g.wait();
    expect(ran).toBe(true);
  });

  it('rejects wait with the first error, only after all goroutines returned', async () => {
    await synctest.run(async () => {
      const g = new Group();
      const first = new Error('first');
      let slowDone = false;
      await g.go(async () => {
        await sleep(10);
        throw first;
      });
      await g.go(async () => {
        await sleep(20);
        throw new Error('second');
      });
      await g.go(async () => {
        await sleep(50);
        slowDone = true;
      });
      await expect(g.wait()).rejects.toBe(first);
      expect(slowDone).toBe(true);
      expect(now().getTime()).toBe(EPOCH + 50);
    });
  });

  it('treats a synchronous throw and a rejected promise alike', async () => {
    const g = new Group();
    await g.go(() => {
      throw new Error('sync');
    });
    await expect(g.wait()).rejects.toThrow('sync');
    const h = new Group();
    await h.go(() => Promise.reject(new Error('async')));
    await expect(h.wait()).rejects.toThrow('async');
  });

  it('lets several goroutines wait at once', async () => {
    await synctest.run(async () => {
      const g = new Group();
      await g.go(() => sleep(10));
      const results = await Promise.all([g.wait(), g.wait()]);
      expect(results).toEqual([undefined, undefined]);
      expect(now().getTime()).toBe(EPOCH + 10);
    });
  });

  it('makes a runtime panic a panic of its goroutine, not the group error', async () => {
    const run = synctest.run(async () => {
      const g = new Group();
      await g.go(() => {
        const c = chan<number>();
        c.close();
        return c.send(1);
      });
      await g.wait();
    });
    await expect(run).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('rejects a callback that is not a function in go (it returns a promise) and throws in tryGo', async () => {
    const g = new Group();
    const e = await rejection(() => g.go('x' as unknown as () => void));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('Group.go: fn must be a function, got "x"');
    expect(() => g.tryGo(null as unknown as () => void)).toThrow('Group.tryGo: fn must be a function, got null');
    await g.wait(); // nothing was started
  });
});

describe('Group.setLimit', () => {
  it('runs at most n goroutines at once; go parks at the limit and resolves once its goroutine started', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(2);
      let running = 0;
      let peak = 0;
      const startedAt: number[] = [];
      for (let i = 0; i < 5; i++) {
        await g.go(async () => {
          startedAt.push(now().getTime() - EPOCH);
          peak = Math.max(peak, ++running);
          await sleep(10);
          running--;
        });
      }
      // The fifth go() returned once a slot was free: at +20 ms.
      expect(now().getTime()).toBe(EPOCH + 20);
      await g.wait();
      expect(peak).toBe(2);
      expect(startedAt).toEqual([0, 0, 10, 10, 20]);
      expect(now().getTime()).toBe(EPOCH + 30);
    });
  });

  it('serves parked go calls FIFO and never lets tryGo barge ahead of them', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(1);
      const order: string[] = [];
      const gate = chan<void>();
      await g.go(() => gate.recv());
      const parked = ['a', 'b', 'c'].map((name) => g.go(() => void order.push(name)));
      expect(g.tryGo(() => void order.push('barger'))).toBe(false);
      gate.close();
      await Promise.all(parked);
      await g.wait();
      expect(order).toEqual(['a', 'b', 'c']);
    });
  });

  it('makes tryGo report false at the limit and true below it', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(1);
      expect(g.tryGo(() => sleep(10))).toBe(true);
      expect(g.tryGo(() => sleep(10))).toBe(false);
      await g.wait();
      expect(g.tryGo(() => {})).toBe(true);
      await g.wait();
      expect(now().getTime()).toBe(EPOCH + 10);
    });
  });

  it('makes every go park with a limit of 0 (a bubble with nothing else reports a deadlock)', async () => {
    const g = new Group();
    g.setLimit(0);
    expect(g.tryGo(() => {})).toBe(false);
    await expect(
      synctest.run(async () => {
        await g.go(() => {});
      }),
    ).rejects.toThrow('deadlock: all goroutines in bubble are blocked');
  });

  it('admits parked go calls when the limit is raised or removed', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(0);
      let ran = 0;
      const parked = [g.go(() => void ran++), g.go(() => void ran++), g.go(() => void ran++)];
      g.setLimit(2);
      g.setLimit(-1); // nothing started under a limit is running yet: allowed
      await Promise.all(parked);
      await g.wait();
      expect(ran).toBe(3);
    });
  });

  it('throws Go text when the limit changes while goroutines started under it are active', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(3);
      await g.go(() => sleep(10));
      await g.go(() => sleep(10));
      const change = (): void => g.setLimit(5);
      expect(change).toThrow(SyncMisuseError);
      expect(change).toThrow('errgroup: modify limit while 2 goroutines in the group are still active');
      try {
        change();
      } catch (e) {
        expect(isSyncMisuseError(e)).toBe(true);
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_ERRGROUP_MODIFY_LIMIT');
      }
      await g.wait();
      g.setLimit(5);
    });
  });

  it('allows removing the limit while goroutines are active, as Go does', async () => {
    await synctest.run(async () => {
      const g = new Group();
      g.setLimit(1);
      await g.go(() => sleep(10));
      g.setLimit(-1);
      await g.go(() => sleep(10)); // no limit now: starts at once
      expect(now().getTime()).toBe(EPOCH);
      g.setLimit(1); // the goroutines still running hold no slot of the new limit
      await g.go(() => sleep(10));
      expect(now().getTime()).toBe(EPOCH);
      await g.wait();
    });
  });

  it('throws for a limit that is not a safe integer', () => {
    expect(() => new Group().setLimit(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Group().setLimit(1.5)).toThrow('Group.setLimit: n must be a safe integer, got 1.5');
  });
});

describe('withContext', () => {
  it('cancels the context at the first error, with that error as cause, before wait returns', async () => {
    await synctest.run(async () => {
      const [g, ctx] = withContext(background());
      const boom = new Error('boom');
      let sawCancelAt = -1;
      await g.go(async () => {
        await sleep(10);
        throw boom;
      });
      await g.go(async () => {
        await ctx.done()!.recv();
        sawCancelAt = now().getTime() - EPOCH;
        await sleep(5);
      });
      await expect(g.wait()).rejects.toBe(boom);
      expect(sawCancelAt).toBe(10);
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(boom);
    });
  });

  it("aborts its siblings' signal with Canceled at the first error; the error stays the cause", async () => {
    // No bubble: the sibling awaits a plain promise, as code that only sees the signal (fetch) does.
    const [g, ctx] = withContext(background());
    const boom = new Error('boom');
    let reason: unknown;
    let why: unknown;
    await g.go(
      () =>
        new Promise<void>((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
            why = cause(ctx);
            reject(ctx.signal.reason as Error);
          });
        }),
    );
    await g.go(async () => {
      await null;
      throw boom;
    });
    await expect(g.wait()).rejects.toBe(boom);
    expect(reason).toBe(Canceled);
    expect(isCanceled(reason)).toBe(true);
    expect(why).toBe(boom);
  });

  it('aborts the signal with DeadlineExceeded when the parent expires first, its cause kept', async () => {
    await synctest.run(async () => {
      const late = new Error('budget spent');
      const [parent] = withTimeoutCause(background(), 10, late);
      const [g, ctx] = withContext(parent);
      await g.go(async () => {
        await recv(ctx.done());
        throw ctx.signal.reason;
      });
      await expect(g.wait()).rejects.toBe(DeadlineExceeded);
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(ctx.signal.reason).toBe(DeadlineExceeded);
      expect(cause(ctx)).toBe(late);
    });
  });

  it('cancels the context when wait returns, with Canceled as cause when nothing failed', async () => {
    await synctest.run(async () => {
      const [g, ctx] = withContext(background());
      await g.go(() => sleep(10));
      expect(ctx.err()).toBeNull();
      await g.wait();
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(Canceled);
    });
  });

  it('derives the context from the parent', () => {
    const [parent, cancel] = withCancel(background());
    const [, ctx] = withContext(parent);
    cancel();
    expect(ctx.err()).toBe(Canceled);
  });

  it('throws for a nil parent with Go text', () => {
    expect(() => withContext(null as unknown as Context)).toThrow(InvalidArgumentError);
    expect(() => withContext(null as unknown as Context)).toThrow(
      'cannot create context from nil parent (withContext: parent must be a Context, got null)',
    );
  });
});
