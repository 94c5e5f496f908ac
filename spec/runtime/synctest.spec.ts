import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  DeadlockError,
  go,
  InvalidArgumentError,
  isDeadlockError,
  now,
  recvCase,
  select,
  sleep,
  synctest,
} from '../../runtime/index.js';
import { rejection } from '../rejection.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('synctest.run', () => {
  it('runs an hour of timers instantly and deterministically', async () => {
    const t0 = performance.now();
    await synctest.run(async () => {
      for (let i = 0; i < 60; i++) await sleep(60_000);
      expect(now().getTime()).toBe(EPOCH + 3_600_000);
    });
    expect(performance.now() - t0).toBeLessThan(5_000); // no real hour: a sanity bound, not a perf threshold
  });

  it('resolves only once every goroutine of the bubble has returned', async () => {
    let late = false;
    await synctest.run(() => {
      go(async () => {
        await sleep(1000);
        late = true;
      });
    });
    expect(late).toBe(true);
  });

  it('rejects with DeadlockError when everything is parked and no timer is pending', async () => {
    const p = synctest.run(async () => {
      const c = chan<number>();
      go(async () => {
        await c.send(1);
        await c.send(2);
      });
      await c.recv();
      await c.recv();
      await c.recv();
    });
    await expect(p).rejects.toThrow(DeadlockError);
    await expect(p).rejects.toThrow('deadlock: all goroutines in bubble are blocked');
    await p.catch((e) => expect(isDeadlockError(e)).toBe(true));
  });

  it('reports a deadlock when the root returned but other goroutines stay parked', async () => {
    await expect(
      synctest.run(() => {
        go(async () => {
          await chan().recv();
        });
      }),
    ).rejects.toThrow(DeadlockError);
  });

  it('rejects with the root function throw', async () => {
    await expect(
      synctest.run(async () => {
        await sleep(10);
        throw new Error('root failed');
      }),
    ).rejects.toThrow('root failed');
  });

  it('does not nest: a nested run is a rejection, not a throw', async () => {
    await synctest.run(async () => {
      const e = await rejection(() => synctest.run(() => {}));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toBe(
        'synctest.run: a bubble is already running on this thread (bubbles do not nest)',
      );
    });
  });

  it('rejects a fn that is not a function, without throwing', async () => {
    const e = await rejection(() => synctest.run('x' as unknown as () => void));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('synctest.run: fn must be a function, got "x"');
  });

  it('leaves real time alone once it is over', async () => {
    await synctest.run(async () => {
      await sleep(10);
    });
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('keeps virtual time still while a goroutine awaits real I/O', async () => {
    await synctest.run(async () => {
      go(async () => {
        await sleep(1); // parked: only this goroutine, so it alone cannot advance time
      });
      const t = now().getTime();
      await new Promise((r) => setTimeout(r, 20)); // real wait, not a gocsp operation
      // The sleeping goroutine could only have woken if time advanced while we were not parked.
      expect(now().getTime()).toBe(t);
      await sleep(5);
      expect(now().getTime()).toBe(t + 5);
    });
  });

  it('races timers in a select exactly', async () => {
    await synctest.run(async () => {
      const r = await select([recvCase(after(30), () => 'slow'), recvCase(after(20), () => 'fast')]);
      expect(r).toBe('fast');
      expect(now().getTime()).toBe(EPOCH + 20);
    });
  });
});

describe('synctest.wait', () => {
  it('returns once every other goroutine of the bubble is parked, without advancing time', async () => {
    await synctest.run(async () => {
      const c = chan<number>(10);
      let sent = 0;
      go(async () => {
        for (let i = 0; i < 12; i++) {
          await c.send(i);
          sent++;
        }
      });
      await synctest.wait();
      expect(sent).toBe(10); // the 11th send is parked on the full buffer
      expect(now().getTime()).toBe(EPOCH);
      for (let i = 0; i < 12; i++) expect(await c.recv()).toBe(i);
    });
  });

  it('rejects outside a bubble, without throwing', async () => {
    const e = await rejection(() => synctest.wait());
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('synctest.wait: not inside synctest.run');
  });
});
