/**
 * Channel misuse: Go's panics with their exact text, as named classes with a stable code; bad arguments to chan().
 */
import { describe, expect, it } from 'vitest';
import {
  ChannelClosedError,
  chan,
  close,
  CloseOfClosedChannelError,
  go,
  InvalidArgumentError,
  isChannelClosedError,
  isCloseOfClosedChannelError,
  isInvalidArgumentError,
  isPanicError,
  PanicError,
  recvCase,
  select,
  send,
  sendCase,
  synctest,
} from '../../../runtime/index.js';
import { rejection } from '../../rejection.js';
import { panicMessage } from '../../../runtime/sched/panic.js';
import { CAPACITIES, trapPanics } from './helpers.js';

/** thrown runs `f` and returns what it threw synchronously (failing if it did not). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a synchronous throw');
}

function expectSendOnClosed(e: unknown): void {
  expect(e).toBeInstanceOf(ChannelClosedError);
  expect(e).toBeInstanceOf(PanicError);
  expect((e as Error).message).toBe('send on closed channel');
  expect((e as Error).name).toBe('ChannelClosedError');
  expect((e as ChannelClosedError).code).toBe('ERR_SEND_ON_CLOSED_CHANNEL');
  expect(isChannelClosedError(e)).toBe(true);
  expect(isPanicError(e)).toBe(true);
  expect(panicMessage(e)).toBe('send on closed channel');
}

describe.each(CAPACITIES)('misuse of chan(%i)', (capacity) => {
  it('rejects the send with ChannelClosedError "send on closed channel" (no throw) and throws it at trySend', async () => {
    const c = chan<number>(capacity);
    c.close();
    expectSendOnClosed(await rejection(() => c.send(1)));
    expectSendOnClosed(await rejection(() => send(c, 1)));
    expectSendOnClosed(thrown(() => c.trySend(1)));
    // Still closed, still empty: the failed sends changed nothing.
    expect(c.len()).toBe(0);
    expect(c.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('fails a send with ChannelClosedError even when the buffer has room or values', async () => {
    if (capacity === 0) return;
    const c = chan<number>(capacity);
    await c.send(1);
    c.close();
    expectSendOnClosed(thrown(() => c.trySend(2)));
    expectSendOnClosed(await rejection(() => c.send(2)));
    expect(await c.recv()).toBe(1);
  });

  it('throws CloseOfClosedChannelError "close of closed channel" on a second close', () => {
    const c = chan<number>(capacity);
    c.close();
    for (const f of [() => c.close(), () => close(c)]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(CloseOfClosedChannelError);
      expect(e).toBeInstanceOf(PanicError);
      expect(e.message).toBe('close of closed channel');
      expect(e.name).toBe('CloseOfClosedChannelError');
      expect((e as CloseOfClosedChannelError).code).toBe('ERR_CLOSE_OF_CLOSED_CHANNEL');
      expect(isCloseOfClosedChannelError(e)).toBe(true);
      expect(isChannelClosedError(e)).toBe(false);
      expect(panicMessage(e)).toBe('close of closed channel');
    }
  });
});

describe('a select with a send case on a closed channel', () => {
  it('panics with ChannelClosedError, with or without a default, even beside cases that are not ready', async () => {
    const c = chan<number>(1);
    c.close();
    const idle = chan<number>();
    expectSendOnClosed(thrown(() => select([sendCase(c, 1)], () => 'default')));
    expectSendOnClosed(thrown(() => select([recvCase(idle), sendCase(c, 1), sendCase(null, 2)], () => 'default')));
    // Without a default select returns a promise: the panic is its rejection, never a synchronous throw.
    expectSendOnClosed(await rejection(() => select([recvCase(idle), sendCase(c, 1)])));
  });
});

describe('a goroutine that sends on a closed channel', () => {
  it('panics with ChannelClosedError, reported to the panic handler', async () => {
    const trap = trapPanics();
    try {
      const c = chan<number>(1);
      c.close();
      const done = chan<void>();
      go(async () => {
        try {
          await c.send(1);
        } finally {
          done.close();
        }
      });
      await done.recv();
      await new Promise((r) => setImmediate(r));
      expect(trap.caught).toHaveLength(1);
      expectSendOnClosed(trap.caught[0]);
    } finally {
      trap.restore();
    }
  });

  it('fails its synctest bubble with that panic', async () => {
    await expect(
      synctest.run(async () => {
        const c = chan<number>();
        go(() => c.send(1)); // parks, then the close wakes it with the panic
        await synctest.wait();
        c.close();
      }),
    ).rejects.toThrow(ChannelClosedError);
  });
});

describe('chan(capacity) argument checks', () => {
  const bad: [unknown, string][] = [
    [-1, '-1'],
    [NaN, 'NaN'],
    [1.5, '1.5'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    ['3', '"3"'],
    [2 ** 53, String(2 ** 53)],
    [null, 'null'],
    [3n, '3n'],
  ];
  it.each(bad)('throws InvalidArgumentError naming capacity and the value for %s', (v, shown) => {
    const e = thrown(() => chan(v as number));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(isInvalidArgumentError(e)).toBe(true);
    expect((e as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    expect(e.message).toContain('capacity');
    expect(e.message).toContain(shown);
    expect(e.message).toBe(`chan: capacity must be a non-negative safe integer, got ${shown}`);
  });

  it('accepts 0 (the default) and large safe integers without allocating them', () => {
    expect(chan().cap()).toBe(0);
    expect(chan(0).cap()).toBe(0);
    expect(chan(Number.MAX_SAFE_INTEGER).cap()).toBe(Number.MAX_SAFE_INTEGER);
  });
});
