import { describe, expect, it } from 'vitest';
import {
  DeadlockError,
  InvalidArgumentError,
  isDeadlockError,
  Once,
  onceFunc,
  onceValue,
} from '../../../runtime/index.js';
import { caught } from './helpers.js';
import { onceSuite } from './suites/once.js';

onceSuite('Once', () => new Once(), 'Once');

describe('onceFunc', () => {
  it('calls f only on the first call', () => {
    let calls = 0;
    const f = onceFunc(() => {
      calls++;
    });
    f();
    f();
    f();
    expect(calls).toBe(1);
  });

  it('returns the same promise on every call for an async f', async () => {
    let calls = 0;
    const f = onceFunc(async () => {
      calls++;
      await null;
    });
    const p = f();
    expect(f()).toBe(p);
    await p;
    expect(f()).toBe(p);
    expect(calls).toBe(1);
  });

  it('throws the same error on every call once f has thrown', () => {
    const boom = new Error('boom');
    let calls = 0;
    const f = onceFunc(() => {
      calls++;
      throw boom;
    });
    for (let i = 0; i < 3; i++) expect(caught(f)).toBe(boom);
    expect(calls).toBe(1);
  });

  it('throws InvalidArgumentError for an f that is not a function', () => {
    const e = caught(() => onceFunc(null as unknown as () => void));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('onceFunc: f must be a function, got null');
  });
});

describe('onceValue', () => {
  it('computes once and returns the same value on every call', () => {
    let calls = 0;
    const get = onceValue(() => ({ n: ++calls }));
    const v = get();
    expect(get()).toBe(v);
    expect(get()).toBe(v);
    expect(v.n).toBe(1);
  });

  it('rejects every caller with the same error when an async f rejects', async () => {
    const boom = new Error('boom');
    let calls = 0;
    const get = onceValue(async (): Promise<number> => {
      calls++;
      await null;
      throw boom;
    });
    await expect(get()).rejects.toBe(boom);
    await expect(get()).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('throws the same error on every call once f has thrown', () => {
    const boom = new Error('boom');
    const get = onceValue((): number => {
      throw boom;
    });
    expect(caught(get)).toBe(boom);
    expect(caught(get)).toBe(boom);
  });

  it('throws DeadlockError when f calls its own wrapper (Go would deadlock)', () => {
    const get: () => number = onceValue(() => get() + 1);
    const e = caught(get);
    expect(e).toBeInstanceOf(DeadlockError);
    expect(isDeadlockError(e)).toBe(true);
    expect((e as Error).message).toBe('sync: a onceValue/onceFunc function was called from its own f: deadlock');
    expect(caught(get)).toBe(e); // f threw it, so every later call re-throws it
  });

  it('throws InvalidArgumentError for an f that is not a function', () => {
    const e = caught(() => onceValue({} as unknown as () => number));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('onceValue: f must be a function, got {}');
  });
});
