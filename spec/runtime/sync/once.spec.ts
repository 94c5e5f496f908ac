import { describe, expect, it } from 'vitest';
import { DeadlockError, InvalidArgumentError, isDeadlockError } from '../../../runtime/errors.js';
import { Once, onceFunc, onceValue } from '../../../runtime/sync/once.js';
import { caught, flush, settled } from './helpers.js';

describe('Once', () => {
  it('runs fn on the first call only', async () => {
    const once = new Once();
    let calls = 0;
    await once.do(() => {
      calls++;
    });
    await once.do(() => {
      calls++;
    });
    expect(calls).toBe(1);
  });

  it('runs fn synchronously inside the first do', () => {
    const once = new Once();
    let ran = false;
    void once.do(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('makes concurrent callers wait until the first fn completes', async () => {
    const once = new Once();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    let completed = false;
    const fn = async (): Promise<void> => {
      calls++;
      await gate;
      completed = true;
    };
    const first = once.do(fn);
    const others = [once.do(fn), once.do(fn)];
    for (const p of [first, ...others]) expect(await settled(p)).toBe(false);
    release();
    await Promise.all(others);
    expect(completed).toBe(true);
    await first;
    expect(calls).toBe(1);
  });

  it('counts a throwing fn as done: the first caller gets the throw, later calls do nothing', async () => {
    const once = new Once();
    const boom = new Error('boom');
    let calls = 0;
    await expect(
      once.do(() => {
        calls++;
        throw boom;
      }),
    ).rejects.toBe(boom);
    await once.do(() => {
      calls++;
    });
    expect(calls).toBe(1);
  });

  it('resolves the waiting callers normally when fn rejects', async () => {
    const once = new Once();
    const boom = new Error('boom');
    const first = once.do(async () => {
      await flush();
      throw boom;
    });
    const waiter = once.do(() => {});
    await expect(first).rejects.toBe(boom);
    await expect(waiter).resolves.toBeUndefined();
  });

  it('throws InvalidArgumentError for a fn that is not a function', () => {
    const once = new Once();
    const e = caught(() => once.do('init' as unknown as () => void));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('Once.do: fn must be a function, got "init"');
  });
});

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
