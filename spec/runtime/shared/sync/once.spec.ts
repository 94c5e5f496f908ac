/** SharedOnce on one thread: the same behaviour and panics as Once (spec/runtime/sync/once.spec.ts). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../runtime/errors.js';
import { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import { caught, flush, settled } from '../../sync/helpers.js';

describe('SharedOnce on one thread', () => {
  it('runs fn on the first call only', async () => {
    const once = new SharedOnce();
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
    const once = new SharedOnce();
    let ran = false;
    void once.do(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('makes concurrent callers wait until the first fn completes', async () => {
    const once = new SharedOnce();
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
    const once = new SharedOnce();
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
    const once = new SharedOnce();
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
    const once = new SharedOnce();
    const e = caught(() => once.do('init' as unknown as () => void));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe('SharedOnce.do: fn must be a function, got "init"');
  });
});
