/**
 * Non-blocking operations (Go's test/chan/nonblock.go and the TestNonblock*Race tests): trySend, tryRecv and a select
 * with a default complete when, and only when, the operation can complete at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chan, go, recvCase, select, sendCase, synctest } from '../../../runtime/index.js';
import { trapPanics } from './helpers.js';

const SIZES = [0, 1, 2, 3, 4, 5, 8, 16];

// Goroutines here run outside a bubble: an unexpected panic is recorded and fails the test instead of exiting.
let trap: ReturnType<typeof trapPanics>;
beforeEach(() => {
  trap = trapPanics();
});
afterEach(() => {
  expect(trap.restore()).toEqual([]);
});

describe.each(SIZES)('non-blocking operations on chan(%i)', (capacity) => {
  it('fail on an empty channel with nobody waiting, and succeed exactly capacity times for sends', () => {
    const c = chan<string>(capacity);
    expect(c.tryRecv()).toBeUndefined();
    expect(select([recvCase(c, () => 'recv')], () => 'default')).toBe('default');
    for (let i = 0; i < capacity; i++) {
      if (i % 2 === 0) expect(c.trySend(`v${i}`)).toBe(true);
      else expect(select([sendCase(c, `v${i}`, () => 'sent')], () => 'default')).toBe('sent');
    }
    expect(c.trySend('overflow')).toBe(false);
    expect(select([sendCase(c, 'overflow', () => 'sent')], () => 'default')).toBe('default');
    for (let i = 0; i < capacity; i++) {
      if (i % 2 === 0) expect(c.tryRecv()).toEqual({ value: `v${i}`, ok: true });
      else expect(select([recvCase(c, (v, ok) => [v, ok])], () => 'default')).toEqual([`v${i}`, true]);
    }
    expect(c.tryRecv()).toBeUndefined();
  });

  it('hand a value to a receiver parked on the channel', async () => {
    await synctest.run(async () => {
      for (const how of ['trySend', 'select'] as const) {
        const c = chan<number>(capacity);
        const strobe = chan<boolean>();
        go(async () => {
          expect(await c.recv()).toBe(123);
          await strobe.send(true);
        });
        await synctest.wait(); // the receiver is parked
        const ok = how === 'trySend' ? c.trySend(123) : select([sendCase(c, 123, () => true)], () => false);
        expect(ok).toBe(true);
        expect(await strobe.recv()).toBe(true);
      }
    });
  });

  it('take a value from a sender parked on the channel (or from the buffer it filled)', async () => {
    await synctest.run(async () => {
      for (const how of ['tryRecv', 'select'] as const) {
        const c = chan<number>(capacity);
        const strobe = chan<boolean>();
        go(async () => {
          await c.send(234);
          await strobe.send(true);
        });
        if (capacity > 0) expect(await strobe.recv()).toBe(true); // a buffered send does not wait for us
        else await synctest.wait(); // the sender is parked
        const r =
          how === 'tryRecv' ? c.tryRecv() : select([recvCase(c, (value, ok) => ({ value, ok }))], () => undefined);
        expect(r).toEqual({ value: 234, ok: true });
        if (capacity === 0) expect(await strobe.recv()).toBe(true);
      }
    });
  });

  it('receive (undefined, false) from a closed channel, and never pick the default', () => {
    const c = chan<number>(capacity);
    c.close();
    expect(c.tryRecv()).toEqual({ value: undefined, ok: false });
    expect(select([recvCase(c, (v, ok) => ({ v, ok }))], () => 'default')).toEqual({ v: undefined, ok: false });
  });
});

describe('non-blocking select races', () => {
  it('sees a channel closed before it runs as ready (TestNonblockRecvRace)', async () => {
    for (let i = 0; i < 1000; i++) {
      const c = chan<number>(1);
      await c.send(1);
      const chose = chan<string>(1);
      go(() => chose.trySend(select([recvCase(c, () => 'recv')], () => 'default')));
      c.close();
      await c.recv();
      expect(await chose.recv()).toBe('recv');
    }
  });

  it('acts on the channels at one moment: one of two is always ready (TestNonblockSelectRace)', async () => {
    for (let i = 0; i < 1000; i++) {
      const c1 = chan<number>(1);
      const c2 = chan<number>(1);
      await c1.send(1);
      const chose = chan<string>(1);
      go(() =>
        chose.trySend(select([recvCase(c1, () => 'c1'), recvCase(c2, () => 'c2')], () => 'default')),
      );
      await c2.send(1);
      select([recvCase(c1)], () => {});
      expect(await chose.recv()).not.toBe('default');
    }
  });

  it('treats a closed unbuffered channel as ready (TestNonblockSelectRace2)', async () => {
    for (let i = 0; i < 1000; i++) {
      const c1 = chan<number>(1);
      const c2 = chan<number>();
      await c1.send(1);
      const chose = chan<string>(1);
      go(() =>
        chose.trySend(select([recvCase(c1, () => 'c1'), recvCase(c2, () => 'c2')], () => 'default')),
      );
      c2.close();
      select([recvCase(c1)], () => {});
      expect(await chose.recv()).not.toBe('default');
    }
  });
});
