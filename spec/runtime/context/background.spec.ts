import { describe, expect, it } from 'vitest';
import { background, cause, recvCase, select, todo } from '../../../runtime/index.js';

describe('background and todo', () => {
  it('are never canceled: done() is a nil channel, err() and cause() null', () => {
    for (const ctx of [background(), todo()]) {
      expect(ctx.done()).toBeNull();
      expect(ctx.err()).toBeNull();
      expect(cause(ctx)).toBeNull();
      expect(ctx.deadline()).toBeUndefined();
      expect(ctx.value('anything')).toBeUndefined();
    }
  });

  it('return the same distinct contexts on every call', () => {
    expect(background()).toBe(background());
    expect(todo()).toBe(todo());
    expect(background()).not.toBe(todo());
    expect(String(background())).toBe('context.Background');
    expect(String(todo())).toBe('context.TODO');
  });

  it('have a signal that never aborts', () => {
    expect(background().signal).toBeInstanceOf(AbortSignal);
    expect(background().signal.aborted).toBe(false);
    expect(todo().signal.aborted).toBe(false);
  });

  it('never make a select case ready', () => {
    expect(select([recvCase(background().done())], () => 'default')).toBe('default');
  });
});
