/**
 * Go's nil channel: `null`, exported as `nil`. Send and receive block forever, a select never chooses it, close
 * panics, len and cap are 0.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cap,
  chan,
  close,
  CloseOfNilChannelError,
  DeadlockError,
  go,
  isCloseOfNilChannelError,
  isPanicError,
  len,
  nil,
  recv,
  recvCase,
  recvOk,
  select,
  send,
  sendCase,
  synctest,
  type Chan,
} from '../../../runtime/index.js';
import { isPending, trapPanics } from './helpers.js';

const nilch: Chan<number> | null = nil;

// Goroutines here run outside a bubble: an unexpected panic is recorded and fails the test instead of exiting.
let trap: ReturnType<typeof trapPanics>;
beforeEach(() => {
  trap = trapPanics();
});
afterEach(() => {
  expect(trap.restore()).toEqual([]);
});

describe('nil channel', () => {
  it('is null', () => {
    expect(nil).toBeNull();
  });

  it('blocks send, recv and recvOk forever, while other goroutines keep running', async () => {
    const s = send(nilch, 7);
    const r = recv(nilch);
    const ro = recvOk(nilch);
    // Other goroutines run meanwhile: a ping-pong of 100 rounds completes.
    const ping = chan<number>();
    go(async () => {
      for (let i = 0; i < 100; i++) await ping.send(i);
    });
    for (let i = 0; i < 100; i++) expect(await ping.recv()).toBe(i);
    expect(await isPending(s)).toBe(true);
    expect(await isPending(r)).toBe(true);
    expect(await isPending(ro)).toBe(true);
  });

  it('blocks forever inside a bubble: a goroutine parked on it is a deadlock', async () => {
    for (const op of [() => send(nilch, 1), () => recv(nilch), () => recvOk(nilch)]) {
      await expect(
        synctest.run(() => {
          go(op);
        }),
      ).rejects.toThrow(DeadlockError);
    }
  });

  it('is never chosen in a select with a default', () => {
    for (let i = 0; i < 100; i++) {
      expect(select([sendCase(nilch, 7, () => 'send')], () => 'default')).toBe('default');
      expect(select([recvCase(nilch, () => 'recv')], () => 'default')).toBe('default');
      expect(select([recvCase(nilch, () => 'recv'), sendCase(nilch, 1, () => 'send')], () => 'default')).toBe(
        'default',
      );
    }
  });

  it('is never chosen in a select beside a ready channel', async () => {
    const c = chan<number>(1);
    for (let i = 0; i < 100; i++) {
      await c.send(i);
      const r = await select([recvCase(nilch, () => 'nil'), recvCase(c, () => 'c'), sendCase(nilch, 1, () => 'nil')]);
      expect(r).toBe('c');
    }
  });

  it('makes a select with only nil cases and no default block forever', async () => {
    expect(await isPending(select([recvCase(nilch)]))).toBe(true);
    expect(await isPending(select([sendCase(nilch, 7)]))).toBe(true);
    expect(await isPending(select([recvCase(nilch), sendCase(nilch, 7)]))).toBe(true);
    expect(await isPending(select([]))).toBe(true);
    await expect(
      synctest.run(async () => {
        await select([recvCase(nilch), sendCase(nilch, 7)]);
      }),
    ).rejects.toThrow(DeadlockError);
  });

  it('lets a select with an empty case list and a default take the default', () => {
    expect(select([], () => 'default')).toBe('default');
  });

  it('disables a case when its channel is set to nil (the Go idiom)', async () => {
    await synctest.run(async () => {
      let a: Chan<number> | null = chan<number>();
      let b: Chan<number> | null = chan<number>();
      const ca = a;
      const cb = b;
      go(async () => {
        for (let i = 0; i < 3; i++) await ca.send(i);
        ca.close();
      });
      go(async () => {
        for (let i = 10; i < 15; i++) await cb.send(i);
        cb.close();
      });
      const got: number[] = [];
      while (a !== null || b !== null) {
        await select([
          recvCase(a, (v, ok) => (ok ? got.push(v!) : (a = null))),
          recvCase(b, (v, ok) => (ok ? got.push(v!) : (b = null))),
        ]);
      }
      expect(got.filter((v) => v < 10)).toEqual([0, 1, 2]);
      expect(got.filter((v) => v >= 10)).toEqual([10, 11, 12, 13, 14]);
    });
  });

  it('panics on close with CloseOfNilChannelError: close of nil channel', () => {
    let err: unknown;
    try {
      close(nilch);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CloseOfNilChannelError);
    expect((err as Error).message).toBe('close of nil channel');
    expect((err as CloseOfNilChannelError).code).toBe('ERR_CLOSE_OF_NIL_CHANNEL');
    expect((err as Error).name).toBe('CloseOfNilChannelError');
    expect(isCloseOfNilChannelError(err)).toBe(true);
    expect(isPanicError(err)).toBe(true);
  });

  it('has len and cap 0', () => {
    expect(len(nilch)).toBe(0);
    expect(cap(nilch)).toBe(0);
  });

  it('leaves the free functions equal to the methods on a real channel', async () => {
    const c = chan<number>(2);
    await send(c, 1);
    await send(c, 2);
    expect([len(c), cap(c)]).toEqual([2, 2]);
    expect(await recv(c)).toBe(1);
    close(c);
    expect(await recvOk(c)).toEqual({ value: 2, ok: true });
    expect(await recvOk(c)).toEqual({ value: undefined, ok: false });
  });
});
