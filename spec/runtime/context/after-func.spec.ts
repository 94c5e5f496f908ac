import { describe, expect, it } from 'vitest';
import {
  afterFunc,
  background,
  chan,
  InvalidArgumentError,
  now,
  synctest,
  withCancel,
  withTimeout,
  withValue,
  type Context,
} from '../../../runtime/index.js';
import { childCount } from '../../../runtime/context/cancel-ctx.js';
import { currentClock } from '../../../runtime/time/clock.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('afterFunc', () => {
  it('runs f in its own goroutine once the context is canceled, not inside cancel', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      const ran = chan<string>(1);
      afterFunc(ctx, () => ran.trySend('ran'));
      cancel();
      expect(ran.len()).toBe(0); // not yet: f runs in a new goroutine
      expect(await ran.recv()).toBe('ran');
    });
  });

  it('runs f when the deadline passes, at the virtual deadline', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 40);
      const at = chan<number>(1);
      afterFunc(ctx, () => at.trySend(now().getTime()));
      expect(await at.recv()).toBe(EPOCH + 40);
    });
  });

  it('runs f at once (in a new goroutine) if the context is already done', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      cancel();
      const ran = chan<boolean>(1);
      const stop = afterFunc(ctx, () => ran.trySend(true));
      expect(stop()).toBe(false);
      expect(await ran.recv()).toBe(true);
    });
  });

  it('stop prevents f from running and reports true once', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      let ran = false;
      const stop = afterFunc(ctx, () => {
        ran = true;
      });
      expect(childCount(ctx)).toBe(1);
      expect(stop()).toBe(true);
      expect(childCount(ctx)).toBe(0);
      expect(stop()).toBe(false);
      cancel();
      await synctest.wait();
      expect(ran).toBe(false);
    });
  });

  it('stop reports false once f has been started', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      const stop = afterFunc(ctx, () => {});
      cancel();
      expect(stop()).toBe(false);
    });
  });

  it('keeps registrations independent of each other', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(withValue(background(), 'k', 1));
      const ran: number[] = [];
      const stop1 = afterFunc(ctx, () => ran.push(1));
      afterFunc(ctx, () => ran.push(2));
      afterFunc(withValue(ctx, 'x', 2), () => ran.push(3));
      stop1();
      cancel();
      await synctest.wait();
      expect(ran.sort()).toEqual([2, 3]);
    });
  });

  it('never runs f for a context that is never canceled; stop reports true', async () => {
    await synctest.run(async () => {
      let ran = false;
      const stop = afterFunc(background(), () => {
        ran = true;
      });
      await synctest.wait();
      expect(ran).toBe(false);
      expect(stop()).toBe(true);
      expect(stop()).toBe(false);
    });
  });

  it('keeps the deadline timer ref-ed while registered', async () => {
    await synctest.run(async () => {
      const heap = currentClock().timers;
      const [ctx, cancel] = withTimeout(background(), 1000);
      expect(heap.refCount).toBe(0);
      const stop = afterFunc(withValue(ctx, 'k', 1), () => {});
      expect(heap.refCount).toBe(1);
      stop();
      expect(heap.refCount).toBe(0);
      cancel();
    });
  });

  it('makes a throw from f a panic of its goroutine', async () => {
    const run = synctest.run(() => {
      const [ctx, cancel] = withCancel(background());
      afterFunc(ctx, () => {
        throw new Error('boom in afterFunc');
      });
      cancel();
    });
    await expect(run).rejects.toThrow('boom in afterFunc');
  });

  it('throws for a bad context or function', () => {
    expect(() => afterFunc(null as unknown as Context, () => {})).toThrow(InvalidArgumentError);
    expect(() => afterFunc(null as unknown as Context, () => {})).toThrow(
      'afterFunc: ctx must be a Context, got null',
    );
    expect(() => afterFunc(background(), 'f' as unknown as () => void)).toThrow(
      'afterFunc: f must be a function, got "f"',
    );
  });
});
