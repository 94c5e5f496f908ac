import { describe, expect, it } from 'vitest';
import {
  after,
  background,
  Canceled,
  cause,
  DeadlineExceeded,
  go,
  InvalidArgumentError,
  now,
  recvCase,
  select,
  sleep,
  synctest,
  withCancel,
  withCancelCause,
  withDeadline,
  withDeadlineCause,
  withTimeout,
  withTimeoutCause,
  withValue,
  type Context,
} from '../../../runtime/index.js';
import { currentClock } from '../../../runtime/time/clock.js';
import { childCount } from '../../../runtime/context/cancel-ctx.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('withTimeout on virtual time', () => {
  it('fires at exactly +50 ms, waking a goroutine parked on done', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withTimeout(background(), 50);
      expect(ctx.deadline()!.getTime()).toBe(EPOCH + 50);
      await ctx.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 50);
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(cause(ctx)).toBe(DeadlineExceeded);
      cancel(); // after expiry: nothing changes
      expect(ctx.err()).toBe(DeadlineExceeded);
    });
  });

  it('is not done one virtual millisecond before the deadline', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 50);
      await sleep(49);
      expect(ctx.err()).toBeNull();
      expect(ctx.done()!.tryRecv()).toBeUndefined();
      await sleep(1);
      expect(ctx.err()).toBe(DeadlineExceeded);
    });
  });

  it('expires even when nobody waits on done', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 50);
      const [child] = withCancel(ctx);
      await sleep(100);
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(child.err()).toBe(DeadlineExceeded);
      expect(currentClock().timers.size).toBe(0);
    });
  });

  it('wins a select against a longer timer and loses against a shorter one', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 100);
      const r1 = await select([recvCase(ctx.done(), () => 'ctx'), recvCase(after(200), () => 'timer')]);
      expect(r1).toBe('ctx');
      expect(now().getTime()).toBe(EPOCH + 100);
      const [ctx2] = withTimeout(background(), 100);
      const r2 = await select([recvCase(ctx2.done(), () => 'ctx'), recvCase(after(30), () => 'timer')]);
      expect(r2).toBe('timer');
      expect(now().getTime()).toBe(EPOCH + 130);
    });
  });

  it('is canceled by cancel before the deadline, with Canceled, and removes its timer', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [ctx, cancel] = withTimeout(background(), 50);
      expect(heap.size).toBe(1);
      await sleep(10);
      cancel();
      expect(ctx.err()).toBe(Canceled);
      expect(heap.size).toBe(0);
      await sleep(100);
      expect(ctx.err()).toBe(Canceled);
    });
  });

  it('propagates expiry to descendants with DeadlineExceeded', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 50);
      const [child] = withCancel(withValue(ctx, 'k', 1));
      await child.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 50);
      expect(child.err()).toBe(DeadlineExceeded);
      expect(cause(child)).toBe(DeadlineExceeded);
    });
  });

  it('treats a timeout <= 0 as already passed', async () => {
    await synctest.run(() => {
      for (const t of [0, -5]) {
        const [ctx, cancel] = withTimeout(background(), t);
        expect(ctx.err()).toBe(DeadlineExceeded);
        expect(ctx.done()!.tryRecv()).toEqual({ value: undefined, ok: false });
        cancel();
        expect(ctx.err()).toBe(DeadlineExceeded);
      }
      expect(currentClock().timers.size).toBe(0);
    });
  });
});

describe('withDeadline on virtual time', () => {
  it('accepts a Date or epoch milliseconds', async () => {
    await synctest.run(async () => {
      const [a] = withDeadline(background(), new Date(EPOCH + 70));
      const [b] = withDeadline(background(), EPOCH + 80);
      expect(a.deadline()!.getTime()).toBe(EPOCH + 70);
      expect(b.deadline()!.getTime()).toBe(EPOCH + 80);
      await a.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 70);
      await b.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 80);
    });
  });

  it('cancels at once with DeadlineExceeded when the deadline has already passed', async () => {
    await synctest.run(() => {
      const [ctx] = withDeadline(background(), EPOCH - 1);
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(ctx.deadline()!.getTime()).toBe(EPOCH - 1);
      const [exact] = withDeadline(background(), EPOCH);
      expect(exact.err()).toBe(DeadlineExceeded);
    });
  });

  it('caps a child deadline by the parent: a later child deadline gives a cancel-only child', async () => {
    await synctest.run(async () => {
      const [parent] = withTimeout(background(), 50);
      const [child, cancelChild] = withTimeout(parent, 500);
      expect(child.deadline()!.getTime()).toBe(EPOCH + 50); // the parent's
      expect(currentClock().timers.size).toBe(1); // no timer of its own
      await child.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 50);
      expect(child.err()).toBe(DeadlineExceeded);
      cancelChild();
    });
  });

  it('lets an earlier child deadline fire first, leaving the parent running', async () => {
    await synctest.run(async () => {
      const [parent] = withTimeout(background(), 500);
      const [child] = withTimeout(parent, 50);
      expect(child.deadline()!.getTime()).toBe(EPOCH + 50);
      await child.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 50);
      expect(parent.err()).toBeNull();
      expect(childCount(parent)).toBe(0); // the expired child detached itself
      await parent.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 500);
    });
  });

  it('is canceled early by a canceled parent, with the parent err and cause', async () => {
    await synctest.run(async () => {
      const [parent, cancel] = withCancelCause(background());
      const [child] = withTimeout(parent, 500);
      const why = new Error('stop');
      go(async () => {
        await sleep(20);
        cancel(why);
      });
      await child.done()!.recv();
      expect(now().getTime()).toBe(EPOCH + 20);
      expect(child.err()).toBe(Canceled);
      expect(cause(child)).toBe(why);
      expect(currentClock().timers.size).toBe(0);
    });
  });
});

describe('withTimeoutCause and withDeadlineCause', () => {
  it('set the cause when the deadline passes, keeping err DeadlineExceeded', async () => {
    await synctest.run(async () => {
      const slow = new Error('backend too slow');
      const [a] = withTimeoutCause(background(), 30, slow);
      const [b] = withDeadlineCause(background(), EPOCH + 40, 'b timed out');
      await b.done()!.recv();
      expect(a.err()).toBe(DeadlineExceeded);
      expect(cause(a)).toBe(slow);
      expect(b.err()).toBe(DeadlineExceeded);
      expect(cause(b)).toBe('b timed out');
    });
  });

  it('do not set the cause when canceled before the deadline', async () => {
    await synctest.run(() => {
      const [ctx, cancel] = withTimeoutCause(background(), 30, new Error('slow'));
      cancel();
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(Canceled);
    });
  });

  it('set the cause of a deadline already passed', async () => {
    await synctest.run(() => {
      const [ctx] = withDeadlineCause(background(), EPOCH - 10, 'too late');
      expect(ctx.err()).toBe(DeadlineExceeded);
      expect(cause(ctx)).toBe('too late');
    });
  });

  it('propagate the cause to descendants', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeoutCause(background(), 30, 'budget spent');
      const [child] = withCancel(ctx);
      await child.done()!.recv();
      expect(cause(child)).toBe('budget spent');
    });
  });
});

describe('a deadline that passed before its timer fired', () => {
  it('is seen at once by err(), a poll of done, cause() and signal (real clock, busy wait)', () => {
    // Sync code never lets a timer run: spin past a 1 ms deadline, then look.
    const [a] = withTimeout(background(), 1);
    const [b] = withTimeout(background(), 1);
    const [c] = withTimeoutCause(background(), 1, 'late');
    const [d] = withTimeout(background(), 1);
    const [e] = withCancel(a);
    const t0 = performance.now();
    while (performance.now() - t0 < 15) {
      /* spin */
    }
    expect(a.err()).toBe(DeadlineExceeded);
    expect(e.err()).toBe(DeadlineExceeded);
    expect(b.done()!.tryRecv()).toEqual({ value: undefined, ok: false });
    expect(b.err()).toBe(DeadlineExceeded);
    expect(cause(c)).toBe('late');
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe(DeadlineExceeded);
  });

  it('is seen by a child created after it passed', () => {
    const [a] = withTimeout(background(), 1);
    const t0 = performance.now();
    while (performance.now() - t0 < 15) {
      /* spin */
    }
    const [child] = withCancel(a);
    expect(child.err()).toBe(DeadlineExceeded);
    expect(a.err()).toBe(DeadlineExceeded);
  });
});

describe('deadline timers and process lifetime', () => {
  it('stay unref-ed while nobody waits, and ref-ed while a goroutine is parked on done', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [ctx, cancel] = withTimeout(background(), 1000);
      expect(heap.size).toBe(1);
      expect(heap.refCount).toBe(0);
      go(async () => {
        await ctx.done()!.recv();
      });
      await synctest.wait();
      expect(heap.refCount).toBe(1);
      cancel();
      expect(heap.size).toBe(0);
      expect(heap.refCount).toBe(0);
    });
  });

  it('are ref-ed while a goroutine waits on a descendant, through value and cancel contexts', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [outer] = withTimeout(background(), 1000);
      const [inner] = withTimeout(withValue(outer, 'k', 1), 500);
      const [leaf, cancelLeaf] = withCancel(inner);
      go(async () => {
        await leaf.done()!.recv();
      });
      await synctest.wait();
      expect(heap.size).toBe(2);
      expect(heap.refCount).toBe(2);
      cancelLeaf();
      await synctest.wait();
      expect(heap.refCount).toBe(0);
      expect(heap.size).toBe(2);
    });
  });

  it('go back to unref-ed when the waiter leaves (a select won by another case)', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [ctx, cancel] = withTimeout(background(), 1000);
      let r = '';
      go(async () => {
        r = await select([recvCase(ctx.done(), () => 'ctx'), recvCase(after(10), () => 'timer')]);
      });
      await synctest.wait();
      expect(heap.refCount).toBe(2); // the ctx entry and the 10 ms timer
      await sleep(20);
      expect(r).toBe('timer');
      expect(heap.refCount).toBe(0);
      expect(heap.size).toBe(1);
      cancel();
    });
  });

  it('count several waiters once', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [ctx] = withTimeout(background(), 100);
      for (let i = 0; i < 3; i++) {
        go(async () => {
          await ctx.done()!.recv();
        });
      }
      await synctest.wait();
      expect(heap.refCount).toBe(1);
      await ctx.done()!.recv();
      expect(heap.refCount).toBe(0);
    });
  });
});

describe('deadline constructors with bad arguments', () => {
  it('throw for a nil parent with Go text', () => {
    const nil = null as unknown as Context;
    expect(() => withTimeout(nil, 1)).toThrow(
      'cannot create context from nil parent (withTimeout: parent must be a Context, got null)',
    );
    expect(() => withDeadline(nil, 1)).toThrow(
      'cannot create context from nil parent (withDeadline: parent must be a Context, got null)',
    );
    expect(() => withTimeoutCause(nil, 1, 'x')).toThrow(
      'cannot create context from nil parent (withTimeoutCause: parent must be a Context, got null)',
    );
    expect(() => withDeadlineCause(nil, 1, 'x')).toThrow(
      'cannot create context from nil parent (withDeadlineCause: parent must be a Context, got null)',
    );
  });

  it('throw for a timeout that is not a finite number', () => {
    expect(() => withTimeout(background(), NaN)).toThrow(InvalidArgumentError);
    expect(() => withTimeout(background(), NaN)).toThrow(
      'withTimeout: timeout must be a finite number of milliseconds, got NaN',
    );
    expect(() => withTimeoutCause(background(), '5' as unknown as number, 'x')).toThrow(
      'withTimeoutCause: timeout must be a finite number of milliseconds, got "5"',
    );
  });

  it('throw for a deadline that is not a valid time', () => {
    expect(() => withDeadline(background(), new Date('nope'))).toThrow(InvalidArgumentError);
    expect(() => withDeadline(background(), new Date('nope'))).toThrow(
      'withDeadline: d must be a valid Date or a finite number of epoch milliseconds, got Invalid Date',
    );
    expect(() => withDeadline(background(), Infinity)).toThrow(
      'withDeadline: d must be a valid Date or a finite number of epoch milliseconds, got Infinity',
    );
    expect(() => withDeadlineCause(background(), '2030' as unknown as number, 'x')).toThrow(
      'withDeadlineCause: d must be a valid Date or a finite number of epoch milliseconds, got "2030"',
    );
  });
});
