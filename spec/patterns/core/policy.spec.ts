import { describe, expect, it } from 'vitest';
import { background, isCanceled, withCancel, type Context } from '../../../runtime/index.js';
import { type Policy, wrap } from '../../../patterns/index.js';
import { positive, oneOf, options } from '../../../patterns/core/option-checks.js';

/** tag is a policy that records entry and exit around the inner call. */
function tag(name: string, log: string[]): Policy {
  return {
    async execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Context | AbortSignal): Promise<T> {
      log.push(`${name}>`);
      try {
        return await fn(cancel as Context);
      } finally {
        log.push(`<${name}`);
      }
    },
  };
}

describe('wrap', () => {
  it('composes policies outermost first', async () => {
    const log: string[] = [];
    const r = await wrap(tag('a', log), tag('b', log)).execute(() => {
      log.push('call');
      return 7;
    });
    expect(r).toBe(7);
    expect(log).toEqual(['a>', 'b>', 'call', '<b', '<a']);
  });

  it('runs the call directly with no policies, and passes a Context through', async () => {
    const [ctx, cancel] = withCancel(background());
    const seen: Context[] = [];
    await wrap().execute((c) => void seen.push(c), ctx);
    cancel();
    expect(seen[0]).toBe(ctx);
  });

  it('turns an AbortSignal into a Context canceled with it', async () => {
    const ac = new AbortController();
    const got = await wrap().execute((c) => {
      ac.abort(new Error('stop'));
      return c.err();
    }, ac.signal);
    expect(isCanceled(got)).toBe(true);
  });

  it('turns a synchronous throw of the call into a rejection', async () => {
    await expect(
      wrap().execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it('never throws: a policy of another library that throws at the call becomes a rejection', async () => {
    const throwing: Policy = {
      execute() {
        throw new Error('thrown at the call');
      },
    };
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = wrap(throwing).execute(() => 1);
    }).not.toThrow();
    await expect(p).rejects.toThrow('thrown at the call');
  });

  it('rejects a non-policy with a named error', () => {
    expect(() => wrap({} as Policy)).toThrow('wrap: policy 0 must have an execute method, got {}');
  });
});

describe('config checks', () => {
  it('name the owner, the option and the value', () => {
    expect(() => positive('X', 'rate', -1)).toThrow('X: rate must be a finite number > 0, got -1');
    expect(() => positive('X', 'rate', Number.NaN)).toThrow('got NaN');
    expect(() => oneOf('X', 'mode', ['a', 'b'] as const, 'c')).toThrow('X: mode must be one of "a", "b", got "c"');
    expect(() => options('X', 5 as unknown as object, ['a'])).toThrow('X: config must be an object, got 5');
    expect(() => options('X', { a: 1, b: 2 }, ['a'])).toThrow('X: unknown option "b" (known: "a")');
  });
});
