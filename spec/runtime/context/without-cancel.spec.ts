import { describe, expect, it } from 'vitest';
import {
  background,
  cause,
  InvalidArgumentError,
  synctest,
  withCancel,
  withCancelCause,
  withoutCancel,
  withTimeout,
  withValue,
  type Context,
} from '../../../runtime/index.js';
import { childCount } from '../../../runtime/context/cancel-ctx.js';

describe('withoutCancel', () => {
  it('keeps the parent values but none of its cancellation', () => {
    const [parent, cancel] = withCancelCause(withValue(background(), 'k', 'v'));
    const ctx = withoutCancel(parent);
    cancel(new Error('gone'));
    expect(ctx.value('k')).toBe('v');
    expect(ctx.done()).toBeNull();
    expect(ctx.err()).toBeNull();
    expect(cause(ctx)).toBeNull();
    expect(ctx.signal.aborted).toBe(false);
  });

  it('has no deadline even under a deadline context', async () => {
    await synctest.run(() => {
      const [parent, cancel] = withTimeout(background(), 100);
      expect(withoutCancel(parent).deadline()).toBeUndefined();
      cancel();
    });
  });

  it('gives children that are not registered with, or canceled by, the original parent', () => {
    const [parent, cancel] = withCancel(background());
    const [child, cancelChild] = withCancel(withoutCancel(parent));
    expect(childCount(parent)).toBe(0);
    cancel();
    expect(child.err()).toBeNull();
    cancelChild();
  });

  it('renders as Go does', () => {
    expect(String(withoutCancel(background()))).toBe('context.Background.WithoutCancel');
  });

  it('throws for a nil parent with Go text', () => {
    expect(() => withoutCancel(null as unknown as Context)).toThrow(InvalidArgumentError);
    expect(() => withoutCancel(undefined as unknown as Context)).toThrow(
      'cannot create context from nil parent (withoutCancel: parent must be a Context, got undefined)',
    );
  });
});
