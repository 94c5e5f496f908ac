import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  cause,
  DeadlineExceeded,
  fromSignal,
  go,
  InvalidArgumentError,
  synctest,
  withCancel,
  withCancelCause,
  withTimeout,
  withValue,
  type Context,
} from '../../../runtime/index.js';

describe('ctx.signal', () => {
  it('is created lazily, once, and aborts with the cause when the context is canceled', () => {
    const [ctx, cancel] = withCancelCause(background());
    const s = ctx.signal;
    expect(ctx.signal).toBe(s);
    expect(s.aborted).toBe(false);
    let seen: unknown;
    s.addEventListener('abort', () => {
      seen = s.reason;
    });
    const why = new Error('stop');
    cancel(why);
    expect(s.aborted).toBe(true);
    expect(s.reason).toBe(why);
    expect(seen).toBe(why);
  });

  it('has err as reason when no cause was given', () => {
    const [ctx, cancel] = withCancel(background());
    const s = ctx.signal;
    cancel();
    expect(s.reason).toBe(Canceled);
  });

  it('is already aborted when first asked for on a canceled context', () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel('why');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe('why');
  });

  it('aborts with DeadlineExceeded when the deadline passes', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeout(background(), 10);
      const s = withValue(ctx, 'k', 1).signal;
      await ctx.done()!.recv();
      expect(s.aborted).toBe(true);
      expect(s.reason).toBe(DeadlineExceeded);
    });
  });

  it('aborts the signals of descendants too', () => {
    const [parent, cancel] = withCancel(background());
    const [child] = withCancel(parent);
    const s = child.signal;
    cancel();
    expect(s.aborted).toBe(true);
    expect(s.reason).toBe(Canceled);
  });
});

describe('fromSignal', () => {
  it('cancels the context with the abort reason as cause when the signal aborts', () => {
    const ac = new AbortController();
    const [ctx] = fromSignal(background(), ac.signal);
    expect(ctx.err()).toBeNull();
    const why = new Error('client went away');
    ac.abort(why);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
  });

  it('wakes a goroutine parked on done when the signal aborts', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      const [ctx] = fromSignal(background(), ac.signal);
      let woke = false;
      go(async () => {
        await ctx.done()!.recv();
        woke = true;
      });
      await synctest.wait();
      ac.abort();
      await synctest.wait();
      expect(woke).toBe(true);
      expect((cause(ctx) as Error).name).toBe('AbortError');
    });
  });

  it('gives a canceled context for an already-aborted signal', () => {
    const [ctx] = fromSignal(background(), AbortSignal.abort('early'));
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe('early');
  });

  it('is canceled by its parent and by its cancel function', () => {
    const ac = new AbortController();
    const [parent, cancelParent] = withCancel(background());
    const [a] = fromSignal(parent, ac.signal);
    const [b, cancelB] = fromSignal(background(), ac.signal);
    cancelParent();
    expect(a.err()).toBe(Canceled);
    cancelB();
    expect(b.err()).toBe(Canceled);
    expect(cause(b)).toBe(Canceled);
    ac.abort('later');
    expect(cause(a)).toBe(Canceled);
    expect(cause(b)).toBe(Canceled);
  });

  it('leaves no abort listener behind once the context is canceled, however that happened', () => {
    const ac = new AbortController();
    for (let i = 0; i < 1000; i++) fromSignal(background(), ac.signal)[1]();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    const [parent, cancelParent] = withCancel(background());
    for (let i = 0; i < 10; i++) fromSignal(parent, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(10);
    cancelParent();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    const [ctx] = fromSignal(background(), ac.signal);
    ac.abort();
    expect(ctx.err()).toBe(Canceled);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('throws for a bad parent or signal', () => {
    const s = new AbortController().signal;
    expect(() => fromSignal(null as unknown as Context, s)).toThrow(InvalidArgumentError);
    expect(() => fromSignal(null as unknown as Context, s)).toThrow(
      'cannot create context from nil parent (fromSignal: parent must be a Context, got null)',
    );
    expect(() => fromSignal(background(), {} as AbortSignal)).toThrow(
      'fromSignal: signal must be an AbortSignal, got {}',
    );
  });
});
