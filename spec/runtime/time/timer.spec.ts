import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  InvalidArgumentError,
  newTicker,
  newTimer,
  now,
  recvCase,
  select,
  since,
  sleep,
  synctest,
  tick,
  go,
} from '../../../runtime/index.js';
import { realClock } from '../../../runtime/sched/real-clock.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('after', () => {
  it('delivers the due time exactly d ms later on the virtual clock', async () => {
    await synctest.run(async () => {
      const t0 = now();
      expect(t0.getTime()).toBe(EPOCH);
      const v = await after(1500).recv();
      expect(v!.getTime()).toBe(EPOCH + 1500);
      expect(since(t0)).toBe(1500);
    });
  });

  it('is unbuffered and produces one value only', async () => {
    await synctest.run(async () => {
      const c = after(10);
      expect(c.len()).toBe(0);
      expect(c.cap()).toBe(0);
      await sleep(20);
      expect(c.tryRecv()?.value?.getTime()).toBe(EPOCH + 10);
      expect(c.tryRecv()).toBeUndefined();
    });
  });

  it('rejects a non-finite duration with a named error', () => {
    expect(() => after(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => after(Number.NaN)).toThrow('newTimer: d must be a finite number of milliseconds, got NaN');
    expect(() => after('5' as unknown as number)).toThrow('got "5"');
  });

  it('fires at once for a non-positive duration', async () => {
    await synctest.run(async () => {
      const v = await after(-5).recv();
      expect(v!.getTime()).toBe(EPOCH);
    });
  });
});

describe('Timer', () => {
  it('stop before the deadline prevents the value and reports true', async () => {
    await synctest.run(async () => {
      const t = newTimer(100);
      expect(t.stop()).toBe(true);
      const r = await select([recvCase(t.c, () => 'fired'), recvCase(after(1000), () => 'quiet')]);
      expect(r).toBe('quiet');
      expect(t.stop()).toBe(false);
    });
  });

  it('stop after the deadline but before a receive still stops it (Go 1.23 synchronous timer channels)', async () => {
    await synctest.run(async () => {
      const t = newTimer(10);
      await sleep(50);
      expect(t.stop()).toBe(true);
      expect(t.c.tryRecv()).toBeUndefined();
    });
  });

  it('stop after the value was received reports false', async () => {
    await synctest.run(async () => {
      const t = newTimer(10);
      await t.c.recv();
      expect(t.stop()).toBe(false);
    });
  });

  it('reset never yields a stale value and re-times from now', async () => {
    await synctest.run(async () => {
      const t = newTimer(10);
      await sleep(50); // expired, not received
      expect(t.reset(100)).toBe(true);
      expect(t.c.tryRecv()).toBeUndefined();
      const v = await t.c.recv();
      expect(v!.getTime()).toBe(EPOCH + 150);
      expect(t.reset(5)).toBe(false);
      expect((await t.c.recv())!.getTime()).toBe(EPOCH + 155);
    });
  });

  it('wakes parked receivers in FIFO order, one value per timer', async () => {
    await synctest.run(async () => {
      const t = newTimer(10);
      const got: string[] = [];
      go(async () => {
        await t.c.recv();
        got.push('a');
      });
      go(async () => {
        await t.c.recv();
        got.push('b');
      });
      await sleep(100);
      expect(got).toEqual(['a']);
      t.reset(10);
      await sleep(100);
      expect(got).toEqual(['a', 'b']);
    });
  });
});

describe('Ticker', () => {
  it('ticks every period on the virtual clock', async () => {
    await synctest.run(async () => {
      const tk = newTicker(100);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push((await tk.c.recv())!.getTime() - EPOCH);
      tk.stop();
      expect(seen).toEqual([100, 200, 300]);
    });
  });

  it('drops ticks for a slow receiver and keeps its phase', async () => {
    await synctest.run(async () => {
      const tk = newTicker(100);
      await sleep(550);
      // The earliest missed tick is delivered once; the others are dropped.
      expect((await tk.c.recv())!.getTime()).toBe(EPOCH + 100);
      expect(tk.c.tryRecv()).toBeUndefined();
      expect((await tk.c.recv())!.getTime()).toBe(EPOCH + 600);
      expect(since(new Date(EPOCH))).toBe(600);
      tk.stop();
    });
  });

  it('stop ends the ticks and reset changes the period', async () => {
    await synctest.run(async () => {
      const tk = newTicker(100);
      await tk.c.recv();
      tk.reset(30);
      expect((await tk.c.recv())!.getTime()).toBe(EPOCH + 130);
      tk.stop();
      const r = await select([recvCase(tk.c, () => 'tick'), recvCase(after(1000), () => 'stopped')]);
      expect(r).toBe('stopped');
    });
  });

  it('rejects a non-positive period with Go\'s text', () => {
    expect(() => newTicker(0)).toThrow(InvalidArgumentError);
    expect(() => newTicker(0)).toThrow(/^non-positive interval for NewTicker/);
    expect(() => newTicker(-1)).toThrow(/^non-positive interval for NewTicker/);
    const tk = newTicker(10);
    expect(() => tk.reset(0)).toThrow(/^non-positive interval for Ticker.Reset/);
    tk.stop();
  });

  it('tick returns a nil channel for a non-positive period', () => {
    expect(tick(0)).toBeNull();
    expect(tick(-3)).toBeNull();
  });
});

describe('sleep', () => {
  it('parks for exactly d virtual ms', async () => {
    await synctest.run(async () => {
      await sleep(250);
      expect(now().getTime()).toBe(EPOCH + 250);
      await sleep(0);
      expect(now().getTime()).toBe(EPOCH + 250);
    });
  });

  it('orders wake-ups by deadline, then by creation', async () => {
    await synctest.run(async () => {
      const order: string[] = [];
      const done = chan<void>(3);
      for (const [name, d] of [['c', 30], ['a', 10], ['b', 10]] as const) {
        go(async () => {
          await sleep(d);
          order.push(name);
          await done.send();
        });
      }
      for (let i = 0; i < 3; i++) await done.recv();
      expect(order).toEqual(['a', 'b', 'c']);
    });
  });
});

describe('timer structure', () => {
  it('uses one Node timer for any number of pending timers', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const sleeps = Array.from({ length: 10_000 }, (_, i) => sleep(5 + (i % 7)));
    const during = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(during - before).toBeLessThanOrEqual(1);
    expect(realClock.timers.size).toBe(10_000);
    await Promise.all(sleeps);
    expect(realClock.timers.size).toBe(0);
  });

  it('keeps no heap entry for a timer nobody waits on', () => {
    const size = realClock.timers.size;
    for (let i = 0; i < 1000; i++) after(3_600_000);
    expect(realClock.timers.size).toBe(size);
  });
});
