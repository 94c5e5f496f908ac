/**
 * Context types: done() is typed by the kind of context. Go's Done is nil exactly for a context that can never be
 * canceled, so background(), todo() and withoutCancel() are NeverCanceledContext (done(): null), the cancelable
 * constructors return CancelableContext (done(): RecvChan<never>, no null check), withValue keeps its parent's kind,
 * and a plain Context (what functions accept) has done(): RecvChan<never> | null. Forbidden lines are compile errors
 * that tsc expects; they sit in a function that is only type-checked, never called.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  background,
  fromSignal,
  recvCase,
  select,
  todo,
  withCancel,
  withCancelCause,
  withContext,
  withDeadline,
  withDeadlineCause,
  withoutCancel,
  withTimeout,
  withTimeoutCause,
  withValue,
  type CancelableContext,
  type Context,
  type NeverCanceledContext,
  type RecvChan,
} from '../../../runtime/index.js';

/** forbidden holds the uses the compiler must reject; it is type-checked and never called. */
async function forbidden(ctx: Context): Promise<void> {
  // @ts-expect-error a Context of unknown kind may have a nil done channel
  const d1: RecvChan<never> = ctx.done();
  // @ts-expect-error background's done is always nil
  await background().done().recv();
  // @ts-expect-error withoutCancel's done is always nil
  const d2: RecvChan<never> = withoutCancel(ctx).done();
  // @ts-expect-error a value context of a never-canceled parent has no done channel either
  const d3: RecvChan<never> = withValue(todo(), 'k', 1).done();
  // @ts-expect-error a context that may be canceled is not a NeverCanceledContext
  const n1: NeverCanceledContext = ctx;
  // @ts-expect-error nor is a Context of unknown kind a CancelableContext
  const c1: CancelableContext = ctx;
  void [d1, d2, d3, n1, c1];
}

describe('context types', () => {
  it('rejects the forbidden uses at compile time (checked by tsc, never run)', () => {
    if (false as boolean) void forbidden(background());
    expect(typeof forbidden).toBe('function');
  });

  it('types the never-canceled contexts with done(): null', () => {
    expectTypeOf(background()).toEqualTypeOf<NeverCanceledContext>();
    expectTypeOf(todo()).toEqualTypeOf<NeverCanceledContext>();
    expectTypeOf(withoutCancel(background())).toEqualTypeOf<NeverCanceledContext>();
    expectTypeOf(background().done()).toEqualTypeOf<null>();
    expect(background().done()).toBeNull();
    expect(todo().done()).toBeNull();
    const [ctx, cancel] = withCancel(background());
    expect(withoutCancel(ctx).done()).toBeNull();
    cancel();
  });

  it('types the cancelable contexts with a non-null done(), and their channel is real', async () => {
    const parent: Context = background();
    const made = [
      withCancel(parent),
      withCancelCause(parent),
      withTimeout(parent, 1000),
      withTimeoutCause(parent, 1000, 'slow'),
      withDeadline(parent, Date.now() + 1000),
      withDeadlineCause(parent, Date.now() + 1000, 'late'),
      fromSignal(parent, new AbortController().signal),
    ] as const;
    for (const [ctx, cancel] of made) {
      expectTypeOf(ctx).toEqualTypeOf<CancelableContext>();
      expectTypeOf(ctx.done()).toEqualTypeOf<RecvChan<never>>();
      cancel();
      // No null check, and none needed: a canceled context's done channel is closed.
      expect(await ctx.done().recvOk()).toEqual({ ok: false, value: undefined });
    }
    const [g, gctx] = withContext(parent);
    expectTypeOf(gctx).toEqualTypeOf<CancelableContext>();
    await g.wait();
    expect(gctx.done().tryRecv()).toEqual({ ok: false, value: undefined });
  });

  it('keeps the parent kind through withValue, and accepts every kind as a Context', async () => {
    const [cc, cancel] = withCancel(background());
    const v1 = withValue(cc, 'k', 1);
    const v2 = withValue(background(), 'k', 1);
    expectTypeOf(v1.done()).toEqualTypeOf<RecvChan<never>>();
    expectTypeOf(v2.done()).toEqualTypeOf<null>();
    const anyKind: Context = Math.random() < 2 ? v1 : v2;
    expectTypeOf(withValue(anyKind, 'k', 2).done()).toEqualTypeOf<RecvChan<never> | null>();
    expectTypeOf(anyKind.done()).toEqualTypeOf<RecvChan<never> | null>();
    // Every kind is a Context, and a select takes either form of done (null is Go's nil channel: never ready).
    const all: Context[] = [background(), cc, v1, v2, withoutCancel(cc)];
    expect(all).toHaveLength(5);
    cancel();
    expect(await select([recvCase(v1.done(), () => 'done'), recvCase(v2.done(), () => 'never')])).toBe('done');
  });
});
