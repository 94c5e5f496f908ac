/** Errors crossing threads (error-wire.ts): rebuilt with their class, code, message, stack and cause. */
import { describe, expect, it } from 'vitest';
import {
  ChannelClosedError,
  DeadlockError,
  InvalidArgumentError,
  PanicError,
  SharedMemoryError,
  TooManyParkedError,
  SyncMisuseError,
  ThreadDiedError,
} from '../../../runtime/index.js';
import { errorFromWire, errorToWire, registerErrorCode } from '../../../runtime/threads/error-wire.js';

/** cross sends an error the way the scheduler does: as plain data through structured clone. */
const cross = (e: unknown): unknown => errorFromWire(structuredClone(errorToWire(e)));

describe('error wire', () => {
  it.each([
    [new ChannelClosedError(), ChannelClosedError],
    [new InvalidArgumentError('chan: capacity must be a non-negative safe integer, got -1'), InvalidArgumentError],
    [new DeadlockError(), DeadlockError],
    [new SyncMisuseError('sync: negative WaitGroup counter', 'ERR_SYNC_NEGATIVE', true), SyncMisuseError],
    [new ThreadDiedError('thread 3 died: exited with code 1', 3), ThreadDiedError],
    [new RangeError('r'), RangeError],
    [new SharedMemoryError('shared lock: held by this very thread'), SharedMemoryError],
    [new TooManyParkedError('gocsp: more than 5 operations parked on shared channels in one thread'), TooManyParkedError],
  ])('rebuilds %s into its class with its fields and stack', (e, Class) => {
    const back = cross(e) as Error & { code?: unknown; fatal?: unknown };
    expect(back).toBeInstanceOf(Class);
    expect(back.name).toBe(e.name);
    expect(back.message).toBe(e.message);
    expect(back.stack).toBe(e.stack);
    expect(back.code).toBe((e as { code?: unknown }).code);
    expect(back.fatal).toBe((e as { fatal?: unknown }).fatal);
  });

  it('rebuilds an unknown class as an Error with its name, code and primitive fields', () => {
    class AppError extends Error {
      override name = 'AppError';
      code = 'E_APP';
      status = 503;
      retryable = true;
      headers = { a: 1 }; // not a primitive: left behind
    }
    const back = cross(new AppError('nope', { cause: new TypeError('inner') })) as AppError;
    expect(back.constructor).toBe(Error);
    expect([back.name, back.code, back.message, back.status, back.retryable]).toEqual(['AppError', 'E_APP', 'nope', 503, true]);
    expect(back.headers).toBeUndefined();
    expect(String(back)).toBe('AppError: nope');
    expect(back.cause).toBeInstanceOf(TypeError);
  });

  it('keeps a PanicError of an unregistered code as an Error with that code, and uses a registered rebuild', () => {
    const e = new PanicError('custom panic', 'ERR_SPEC_CUSTOM');
    expect((cross(e) as { code: string }).code).toBe('ERR_SPEC_CUSTOM');
    class CustomPanic extends PanicError {
      override name = 'CustomPanic';
    }
    registerErrorCode('ERR_SPEC_CUSTOM', (w) => new CustomPanic(w.message, w.code));
    expect(cross(e)).toBeInstanceOf(CustomPanic);
  });

  it('passes a thrown non-Error value as it is, or as its text if it cannot be cloned', () => {
    expect(cross('boom')).toBe('boom');
    expect(cross(42)).toBe(42);
    expect(cross({ reason: 'x' })).toEqual({ reason: 'x' });
    expect(cross(Symbol('s'))).toBe('Symbol(s)');
  });

  it('copies a thrown value with parts that do not clone part by part, keeping shared references and cycles', () => {
    const shared = { n: 1 };
    const v: Record<string, unknown> = { code: 42, f() {}, s: Symbol('k'), p: Promise.resolve(), a: shared, b: shared };
    v['self'] = v;
    const back = cross(v) as Record<string, unknown>;
    expect(back['code']).toBe(42);
    expect(back['f']).toBe('[Function f]');
    expect(back['s']).toBe('Symbol(k)');
    expect(back['p']).toBe('[object Promise]');
    expect(back['a']).toEqual({ n: 1 });
    expect(back['a']).toBe(back['b']);
    expect(back['self']).toBe(back);
    expect(cross([() => 1, new Map([['k', () => 2]]), new Set([Symbol.iterator])])).toEqual([
      '[Function anonymous]',
      new Map([['k', '[Function anonymous]']]),
      new Set(['Symbol(Symbol.iterator)']),
    ]);
  });

  it('bounds a cause cycle', () => {
    const a = new Error('a');
    a.cause = a;
    let depth = 0;
    for (let e = cross(a) as Error | undefined; e !== undefined; e = e.cause as Error | undefined) depth++;
    expect(depth).toBe(9);
  });
});

describe('isPanicError', () => {
  it('recognises a ThreadDiedError by its code, as it arrives from another thread', async () => {
    const { isPanicError } = await import('../../../runtime/panics.js');
    expect(isPanicError({ name: 'ThreadDiedError', code: 'ERR_THREAD_DIED', message: 'thread 1 died' })).toBe(true);
  });
});
