import { describe, expect, it } from 'vitest';
import {
  AfterFuncTimer,
  chan,
  InvalidArgumentError,
  nowMillis,
  sleep,
  synctest,
  Timer,
} from '../../../runtime/index.js';

const EPOCH = Date.UTC(2000, 0, 1);

/** at returns the virtual time elapsed in the bubble, in ms. */
const at = (): number => nowMillis() - EPOCH;

describe('Timer.afterFunc', () => {
  it('calls f in its own goroutine d ms later on the virtual clock', async () => {
    await synctest.run(async () => {
      const calls: number[] = [];
      const t = Timer.afterFunc(1500, () => void calls.push(at()));
      expect(t).toBeInstanceOf(AfterFuncTimer);
      await sleep(1499);
      expect(calls).toEqual([]);
      await sleep(1);
      await synctest.wait();
      expect(calls).toEqual([1500]);
      await sleep(10_000);
      expect(calls).toEqual([1500]); // once
    });
  });

  it('wakes a goroutine that waits for f: the pending timer is what the bubble waits for, not a deadlock', async () => {
    await synctest.run(async () => {
      const ch = chan<string>();
      Timer.afterFunc(250, async () => {
        await ch.send('from f');
      });
      expect(await ch.recv()).toBe('from f');
      expect(at()).toBe(250);
    });
  });

  it('starts f after the caller continues, even for d <= 0, at the current time', async () => {
    await synctest.run(async () => {
      const order: string[] = [];
      Timer.afterFunc(0, () => void order.push(`f at ${at()}`));
      Timer.afterFunc(-5, () => void order.push(`g at ${at()}`));
      order.push('caller');
      await sleep(1); // due timers fire once every goroutine of the bubble is parked
      expect(order).toEqual(['caller', 'f at 0', 'g at 0']);
    });
  });

  it('fires timers due at the same instant in creation order, each in its own goroutine', async () => {
    await synctest.run(async () => {
      const order: number[] = [];
      const blocker = chan<void>();
      Timer.afterFunc(10, async () => {
        order.push(1);
        await blocker.recv(); // a parked f does not hold up the others
        order.push(4);
      });
      Timer.afterFunc(10, () => void order.push(2));
      Timer.afterFunc(10, () => void order.push(3));
      await sleep(20);
      expect(order).toEqual([1, 2, 3]);
      await blocker.send();
      await synctest.wait();
      expect(order).toEqual([1, 2, 3, 4]);
    });
  });

  it('makes a throw from f a panic of its goroutine', async () => {
    const boom = new Error('boom in f');
    await expect(
      synctest.run(async () => {
        Timer.afterFunc(5, () => {
          throw boom;
        });
        await sleep(10);
      }),
    ).rejects.toBe(boom);
  });

  it('runs on the real clock outside synctest', async () => {
    const ch = chan<string>();
    const t = Timer.afterFunc(5, () => ch.send('real'));
    expect(await ch.recv()).toBe('real');
    expect(t.stop()).toBe(false);
  });

  it('rejects a bad duration or function with a named error', () => {
    expect(() => Timer.afterFunc(Number.NaN, () => {})).toThrow(InvalidArgumentError);
    expect(() => Timer.afterFunc(Number.NaN, () => {})).toThrow(
      'Timer.afterFunc: d must be a finite number of milliseconds, got NaN',
    );
    expect(() => Timer.afterFunc(10, 'f' as unknown as () => void)).toThrow(
      'Timer.afterFunc: f must be a function, got "f"',
    );
  });
});

describe('AfterFuncTimer.stop', () => {
  it('prevents the call and reports true while the timer is pending; false after that', async () => {
    await synctest.run(async () => {
      let ran = 0;
      const t = Timer.afterFunc(100, () => void ran++);
      await sleep(50);
      expect(t.stop()).toBe(true);
      expect(t.stop()).toBe(false);
      await sleep(1000);
      expect(ran).toBe(0);
    });
  });

  it('reports false once f has been started, and does not wait for f', async () => {
    await synctest.run(async () => {
      const release = chan<void>();
      let finished = false;
      const t = Timer.afterFunc(10, async () => {
        await release.recv();
        finished = true;
      });
      await sleep(10);
      await synctest.wait();
      expect(t.stop()).toBe(false);
      expect(finished).toBe(false);
      await release.send();
      await synctest.wait();
      expect(finished).toBe(true);
    });
  });

  it('lets a bubble whose only timer was stopped end in a deadlock when a goroutine still waits for f', async () => {
    const e = await synctest
      .run(async () => {
        const ch = chan<void>();
        const t = Timer.afterFunc(100, () => ch.send());
        t.stop();
        await ch.recv();
      })
      .then(
        () => null,
        (x: unknown) => x,
      );
    expect((e as Error).message).toBe('deadlock: all goroutines in bubble are blocked');
  });
});

describe('AfterFuncTimer.reset', () => {
  it('reschedules a pending call and reports true; f runs once, at the new time', async () => {
    await synctest.run(async () => {
      const calls: number[] = [];
      const t = Timer.afterFunc(100, () => void calls.push(at()));
      await sleep(60);
      expect(t.reset(100)).toBe(true); // now due at 160
      await sleep(60);
      expect(calls).toEqual([]);
      expect(t.reset(10)).toBe(true); // now due at 130: sooner than before
      await sleep(1000);
      expect(calls).toEqual([130]);
    });
  });

  it('schedules f to run again after it ran, and reports false', async () => {
    await synctest.run(async () => {
      const calls: number[] = [];
      const t = Timer.afterFunc(10, () => void calls.push(at()));
      await sleep(20);
      expect(calls).toEqual([10]);
      expect(t.reset(30)).toBe(false);
      await sleep(100);
      expect(calls).toEqual([10, 50]);
      expect(t.stop()).toBe(false);
    });
  });

  it('revives a stopped timer and reports false; stop then cancels the new call', async () => {
    await synctest.run(async () => {
      const calls: number[] = [];
      const t = Timer.afterFunc(10, () => void calls.push(at()));
      t.stop();
      expect(t.reset(5)).toBe(false);
      await sleep(10);
      expect(calls).toEqual([5]);
      expect(t.reset(5)).toBe(false);
      expect(t.stop()).toBe(true);
      await sleep(10);
      expect(calls).toEqual([5]);
    });
  });

  it('rejects a bad duration with a named error and leaves the timer as it was', async () => {
    await synctest.run(async () => {
      let ran = false;
      const t = Timer.afterFunc(10, () => void (ran = true));
      expect(() => t.reset(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
      expect(() => t.reset('5' as unknown as number)).toThrow(
        'AfterFuncTimer.reset: d must be a finite number of milliseconds, got "5"',
      );
      await sleep(10);
      await synctest.wait();
      expect(ran).toBe(true);
    });
  });
});
