/**
 * A call that returns a promise never throws: its misuse and its panics are the rejection of that promise, so
 * `ch.send(v).catch(e => ...)` sees "send on closed channel". Synchronous calls (trySend, close, constructors, select
 * with a default) still throw at the call. A rejection awaited in a goroutine is still that goroutine's panic.
 */
import { describe, expect, it } from 'vitest';
import {
  background,
  chan,
  ChannelClosedError,
  EncodeError,
  go,
  goThread,
  Group,
  InvalidArgumentError,
  isChannelClosedError,
  Once,
  recv,
  recvCase,
  recvOk,
  select,
  Semaphore,
  send,
  sendCase,
  sharedChan,
  SharedOnce,
  SharedSemaphore,
  sleep,
  synctest,
  type RecvChan,
} from '../../runtime/index.js';
import { int32 } from '../../runtime/shared/codecs/scalars.js';
import { CAPACITIES, macrotask, trapPanics } from './chan/helpers.js';

/** caughtBy calls `f` as user code would, `f().catch(...)`, and returns what the catch saw; a throw fails. */
async function caughtBy(f: () => Promise<unknown>): Promise<unknown> {
  let seen: unknown = 'nothing';
  let p: Promise<unknown>;
  try {
    p = f().catch((e: unknown) => {
      seen = e;
    });
  } catch (e) {
    throw new Error(`the call threw synchronously instead of rejecting: ${String(e)}`);
  }
  await p;
  return seen;
}

function expectError(e: unknown, cls: abstract new (...args: never[]) => Error, message: string | RegExp): void {
  expect(e).toBeInstanceOf(cls);
  if (typeof message === 'string') expect((e as Error).message).toBe(message);
  else expect((e as Error).message).toMatch(message);
}

describe('ch.send(v).catch(...) on a closed channel', () => {
  it.each(CAPACITIES)('sees "send on closed channel" for chan(%i), with no synchronous throw', async (cap) => {
    const ch = chan<number>(cap);
    ch.close();
    const e = await caughtBy(() => ch.send(1));
    expectError(e, ChannelClosedError, 'send on closed channel');
    expect(isChannelClosedError(e)).toBe(true);
    expect(() => ch.trySend(1)).toThrow(ChannelClosedError); // trySend is synchronous: it still throws
  });

  it.each([0, 1, 8])('sees it for a shared channel of capacity %i too', async (cap) => {
    const ch = sharedChan(int32, cap);
    ch.close();
    expectError(await caughtBy(() => ch.send(1)), ChannelClosedError, 'send on closed channel');
  });

  it('sees it through the free send and through a select without default', async () => {
    const ch = chan<number>(1);
    ch.close();
    expectError(await caughtBy(() => send(ch, 1)), ChannelClosedError, 'send on closed channel');
    const idle = chan<number>();
    const e = await caughtBy(() => select([recvCase(idle), sendCase(ch, 1)]));
    expectError(e, ChannelClosedError, 'send on closed channel');
    // With a default, select is synchronous and throws at the call.
    expect(() => select([sendCase(ch, 1)], () => 0)).toThrow(ChannelClosedError);
  });

  it('leaves a channel unchanged: the failed send took nothing and put nothing', async () => {
    const ch = chan<number>(2);
    await ch.send(1);
    ch.close();
    await caughtBy(() => ch.send(2));
    expect(ch.len()).toBe(1);
    expect(await ch.recvOk()).toEqual({ ok: true, value: 1 });
    expect(await ch.recvOk()).toEqual({ ok: false, value: undefined });
  });
});

describe('a rejection awaited in a goroutine', () => {
  it('is that goroutine\'s panic, whether the goroutine awaits the send or returns it', async () => {
    const trap = trapPanics();
    try {
      const ch = chan<number>(1);
      ch.close();
      go(async () => {
        await ch.send(1);
      });
      go(() => ch.send(2));
      for (let i = 0; i < 3; i++) await macrotask();
      expect(trap.caught).toHaveLength(2);
      for (const e of trap.caught) expectError(e, ChannelClosedError, 'send on closed channel');
    } finally {
      trap.restore();
    }
  });
});

describe('misuse of a promise-returning call is a rejection', () => {
  const notFn = 'x' as unknown as () => void;
  const cases: [string, () => Promise<unknown>, abstract new (...args: never[]) => Error, string | RegExp][] = [
    ['select([not a case])', () => select([42 as never]), InvalidArgumentError, /^select: case 0 must be made by/],
    ['select(not an array)', () => select(7 as never), InvalidArgumentError, 'select: cases must be an array, got 7'],
    ['sleep(NaN)', () => sleep(Number.NaN), InvalidArgumentError, 'sleep: d must be a finite number of milliseconds, got NaN'],
    ['recv(not a channel)', () => recv({} as RecvChan<number>), TypeError, /recv/],
    ['recvOk(not a channel)', () => recvOk(5 as unknown as RecvChan<number>), TypeError, /recvOk/],
    ['send(not a channel)', () => send('c' as never, 1), TypeError, /send/],
    ['synctest.wait() outside a bubble', () => synctest.wait(), InvalidArgumentError, 'synctest.wait: not inside synctest.run'],
    ['synctest.run(not a function)', () => synctest.run(notFn), InvalidArgumentError, 'synctest.run: fn must be a function, got "x"'],
    ['Once.do(not a function)', () => new Once().do(notFn), InvalidArgumentError, 'Once.do: fn must be a function, got "x"'],
    ['SharedOnce.do(not a function)', () => new SharedOnce().do(notFn), InvalidArgumentError, 'SharedOnce.do: fn must be a function, got "x"'],
    ['Group.go(not a function)', () => new Group().go(notFn), InvalidArgumentError, 'Group.go: fn must be a function, got "x"'],
    [
      'Semaphore.acquire(ctx, -1)',
      () => new Semaphore(2).acquire(background(), -1),
      InvalidArgumentError,
      'Semaphore.acquire: n must be a non-negative safe integer, got -1',
    ],
    [
      'Semaphore.acquire(not a context)',
      () => new Semaphore(2).acquire(null as never),
      InvalidArgumentError,
      'Semaphore.acquire: ctx must be a Context, got null',
    ],
    [
      'SharedSemaphore.acquire(ctx, 1.5)',
      () => new SharedSemaphore(2).acquire(background(), 1.5),
      InvalidArgumentError,
      'SharedSemaphore.acquire: n must be a non-negative safe integer, got 1.5',
    ],
    ['sharedChan send of a value the codec refuses', () => sharedChan(int32, 1).send(0.5), EncodeError, /int32 codec: cannot encode 0\.5/],
    [
      'goThread(not a task)',
      () => goThread((() => 1) as never),
      InvalidArgumentError,
      /^goThread: fn must be a task \(made with task\(import\.meta\.url, fn\)\)/,
    ],
  ];
  it.each(cases)('%s', async (_, call, cls, message) => {
    expectError(await caughtBy(call), cls, message);
  });
});
