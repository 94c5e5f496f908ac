/**
 * RecvResult narrows: it is a union discriminated by `ok`, so `if (r.ok) total += r.value` compiles under strict
 * with `r.value: T`, and `r.value` is `undefined` (the zero value) when `ok` is false. Every producer of a RecvResult
 * (local, shared, timer and done channels, the free recvOk) has that type. The forbidden lines are compile errors
 * that `tsc --noEmit` expects (an unused `@ts-expect-error` is itself an error); they sit in functions that are only
 * type-checked, never called.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  after,
  background,
  chan,
  newTimer,
  recvOk,
  sharedChan,
  withCancel,
  type RecvChan,
  type RecvResult,
} from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';

/** forbidden holds the uses the compiler must reject; it is type-checked and never called. */
async function forbidden(cr: RecvChan<number>): Promise<void> {
  const r = await cr.recvOk();
  // @ts-expect-error without testing ok, value may be undefined
  const n: number = r.value;
  if (!r.ok) {
    // @ts-expect-error ok false: value is undefined, not a number
    const m: number = r.value;
    void m;
  }
  const t = cr.tryRecv();
  // @ts-expect-error tryRecv may return undefined (it would block): test it first
  void t.ok;
  // @ts-expect-error a result cannot claim ok with no value
  const bad1: RecvResult<number> = { ok: true, value: undefined };
  // @ts-expect-error nor a value with ok false
  const bad2: RecvResult<number> = { ok: false, value: 1 };
  // @ts-expect-error ok is a boolean literal, not any boolean
  const bad3: RecvResult<number> = { ok: Math.random() > 0.5, value: 1 };
  void [n, bad1, bad2, bad3];
}

/** sum is the example of the issue: it must compile under strict with no `!` and no cast. */
async function sum(ch: RecvChan<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await ch.recvOk();
    if (!r.ok) return total;
    total += r.value;
  }
}

describe('RecvResult', () => {
  it('rejects the forbidden uses at compile time (checked by tsc, never run)', () => {
    if (false as boolean) void forbidden(chan());
    expect(typeof forbidden).toBe('function');
  });

  it('narrows value to T when ok is true, and to undefined when it is false', async () => {
    const c = chan<number>(3);
    await c.send(1);
    await c.send(2);
    await c.send(3);
    c.close();
    expect(await sum(c)).toBe(6);

    const d = chan<string>(1);
    d.trySend('a');
    d.close();
    const r = d.tryRecv();
    expect(r).toEqual({ ok: true, value: 'a' });
    if (r !== undefined && r.ok) expectTypeOf(r.value).toEqualTypeOf<string>();
    const z = await d.recvOk();
    expect(z).toEqual({ ok: false, value: undefined });
    if (!z.ok) expectTypeOf(z.value).toEqualTypeOf<undefined>();
  });

  it('is what every channel kind and the free recvOk produce', async () => {
    const c = chan<number>(1);
    expectTypeOf(c.recvOk()).toEqualTypeOf<Promise<RecvResult<number>>>();
    expectTypeOf(c.tryRecv()).toEqualTypeOf<RecvResult<number> | undefined>();
    expectTypeOf(recvOk(c)).toEqualTypeOf<Promise<RecvResult<number>>>();
    expectTypeOf(recvOk(null as RecvChan<string> | null)).toEqualTypeOf<Promise<RecvResult<string>>>();

    const s = sharedChan(int32, 1);
    await s.send(7);
    const rs = await s.recvOk();
    expectTypeOf(rs).toEqualTypeOf<RecvResult<number>>();
    expect(rs.ok && rs.value + 1).toBe(8);

    const t = newTimer(0);
    const rt = await t.c.recvOk();
    expect(rt.ok).toBe(true);
    if (rt.ok) expectTypeOf(rt.value).toEqualTypeOf<Date>();
    expectTypeOf(after(1).tryRecv()).toEqualTypeOf<RecvResult<Date> | undefined>();

    const [ctx, cancel] = withCancel(background());
    cancel();
    const rd = await ctx.done().recvOk();
    expect(rd).toEqual({ ok: false, value: undefined });
    expectTypeOf(rd).toEqualTypeOf<RecvResult<never>>();
  });
});
