import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  InvalidArgumentError,
  synctest,
  withCancel,
  withTimeout,
  withValue,
  type Context,
} from '../../../runtime/index.js';

describe('withValue', () => {
  it('binds a value to a key and finds it through descendants', () => {
    const key = Symbol('user');
    const ctx = withValue(background(), key, { id: 42 });
    expect(ctx.value(key)).toEqual({ id: 42 });
    const [child] = withCancel(ctx);
    expect(withValue(child, 'other', 1).value(key)).toEqual({ id: 42 });
  });

  it('lets the nearest binding shadow an outer one', () => {
    const outer = withValue(background(), 'k', 'outer');
    const inner = withValue(outer, 'k', 'inner');
    expect(inner.value('k')).toBe('inner');
    expect(outer.value('k')).toBe('outer');
  });

  it('compares keys with ===', () => {
    const ctx = withValue(withValue(background(), { a: 1 }, 'object'), 1, 'one');
    expect(ctx.value({ a: 1 })).toBeUndefined(); // another object
    expect(ctx.value('1')).toBeUndefined();
    expect(ctx.value(1)).toBe('one');
    expect(withValue(background(), NaN, 'nan').value(NaN)).toBeUndefined(); // NaN !== NaN, as in Go
  });

  it('returns undefined (Go nil) for a missing key', () => {
    expect(withValue(background(), 'k', 'v').value('missing')).toBeUndefined();
  });

  it('finds a value through a long chain', () => {
    let ctx: Context = withValue(background(), 'root', 'found');
    for (let i = 0; i < 100_000; i++) ctx = withValue(ctx, i, i);
    expect(ctx.value('root')).toBe('found');
  });

  it('delegates done, err, deadline and signal to its parent', async () => {
    await synctest.run(() => {
      const [parent, cancel] = withTimeout(background(), 100);
      const ctx = withValue(parent, 'k', 'v');
      expect(ctx.done()).toBe(parent.done());
      expect(ctx.deadline()).toEqual(parent.deadline());
      expect(ctx.signal).toBe(parent.signal);
      cancel();
      expect(ctx.err()).toBe(Canceled);
    });
    expect(withValue(background(), 'k', 1).done()).toBeNull();
  });

  it('renders as Go does', () => {
    expect(String(withValue(background(), 'k', 7))).toBe('context.Background.WithValue("k", 7)');
  });

  it('throws Go nil key for a null or undefined key', () => {
    expect(() => withValue(background(), null, 1)).toThrow(InvalidArgumentError);
    expect(() => withValue(background(), null, 1)).toThrow(
      'nil key (withValue: key must not be null or undefined, got null)',
    );
    expect(() => withValue(background(), undefined, 1)).toThrow(
      'nil key (withValue: key must not be null or undefined, got undefined)',
    );
  });

  it('throws for a nil parent with Go text', () => {
    expect(() => withValue(null as unknown as Context, 'k', 1)).toThrow(InvalidArgumentError);
    expect(() => withValue(null as unknown as Context, 'k', 1)).toThrow(
      'cannot create context from nil parent (withValue: parent must be a Context, got null)',
    );
  });
});
