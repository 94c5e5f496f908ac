import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  cause,
  DeadlineExceeded,
  fromSignal,
  go,
  Hour,
  InvalidArgumentError,
  isCanceled,
  isDeadlineExceeded,
  nowMillis,
  synctest,
  withCancel,
  withCancelCause,
  withDeadlineCause,
  withTimeout,
  withTimeoutCause,
  withValue,
  type Context,
} from '../../../runtime/index.js';

describe('ctx.signal', () => {
  it('is created lazily, once, and aborts with Canceled, not the cause, when the context is canceled', () => {
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
    expect(s.reason).toBe(Canceled);
    expect(isCanceled(s.reason)).toBe(true);
    expect(seen).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
  });

  it('has Canceled as reason when no cause was given', () => {
    const [ctx, cancel] = withCancel(background());
    const s = ctx.signal;
    cancel();
    expect(s.reason).toBe(Canceled);
  });

  it('is already aborted, with err() as reason, when first asked for on a canceled context', () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel('why');
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe(Canceled);
    expect(cause(ctx)).toBe('why');
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

  it('aborts with DeadlineExceeded, not the cause, for withDeadlineCause and withTimeoutCause', async () => {
    await synctest.run(async () => {
      const late = new Error('too slow');
      const [a] = withDeadlineCause(background(), nowMillis() + 10, late);
      const [b] = withTimeoutCause(background(), 20, late);
      const sa = a.signal;
      const sb = b.signal;
      await b.done()!.recv();
      for (const [ctx, s] of [
        [a, sa],
        [b, sb],
      ] as const) {
        expect(s.reason).toBe(DeadlineExceeded);
        expect(isDeadlineExceeded(s.reason)).toBe(true);
        expect(ctx.err()).toBe(DeadlineExceeded);
        expect(cause(ctx)).toBe(late);
        // Asked for after the fact, too.
        expect(withValue(ctx, 'k', 1).signal.reason).toBe(DeadlineExceeded);
      }
      const [c] = withDeadlineCause(background(), nowMillis() - 1, late);
      expect(c.signal.reason).toBe(DeadlineExceeded);
      expect(cause(c)).toBe(late);
    });
  });

  it("aborts a descendant's signal with the err the descendant sees, its cause staying with cause()", () => {
    const [parent, cancel] = withCancelCause(background());
    const [child] = withCancel(parent);
    const [grandchild] = withTimeout(child, Hour);
    const s = child.signal;
    const g = grandchild.signal;
    const why = new Error('parent gone');
    cancel(why);
    expect([s.aborted, g.aborted]).toEqual([true, true]);
    expect(s.reason).toBe(Canceled);
    expect(g.reason).toBe(Canceled);
    expect(cause(child)).toBe(why);
    expect(cause(grandchild)).toBe(why);
  });
});

describe('ctx.signal and fromSignal round trips', () => {
  it('gives back the err of a canceled context, and its signal reason as cause', () => {
    const [ctx, cancel] = withCancelCause(background());
    const [back] = fromSignal(background(), ctx.signal);
    cancel(new Error('lost in the trip'));
    expect(back.err()).toBe(Canceled);
    expect(cause(back)).toBe(Canceled);
    expect(back.signal.reason).toBe(Canceled);
  });

  it('gives back DeadlineExceeded for an expired context, before and after the expiry', async () => {
    await synctest.run(async () => {
      const [ctx] = withTimeoutCause(background(), 10, new Error('slow'));
      const [back] = fromSignal(background(), ctx.signal);
      await ctx.done()!.recv();
      expect(back.err()).toBe(DeadlineExceeded);
      expect(cause(back)).toBe(DeadlineExceeded);
      expect(back.signal.reason).toBe(DeadlineExceeded);
      const [late] = fromSignal(background(), ctx.signal);
      expect(late.err()).toBe(DeadlineExceeded);
    });
  });

  it("keeps a foreign signal's reason as cause, and aborts its own signal with Canceled", () => {
    const ac = new AbortController();
    const [ctx] = fromSignal(background(), ac.signal);
    const s = ctx.signal;
    const why = new Error('client went away');
    ac.abort(why);
    expect(s.reason).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
    const timedOut = AbortSignal.abort(new DOMException('timed out', 'TimeoutError'));
    const [t] = fromSignal(background(), timedOut);
    expect(t.err()).toBe(Canceled);
    expect((cause(t) as DOMException).name).toBe('TimeoutError');
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
