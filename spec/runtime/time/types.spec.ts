/**
 * Timer and ticker channel types: non-null wherever Go's channel cannot be nil. after(d) and newTimer(d).c are never
 * nil (Go's After and NewTimer fire at once for d <= 0); newTicker(d).c is never nil (NewTicker panics for d <= 0);
 * tick(d) is nil exactly for d <= 0 (Go's Tick), so its type is RecvChan<Date> for a positive literal, null for zero
 * or a negative literal, and RecvChan<Date> | null for a computed number. Forbidden lines are compile errors that
 * tsc expects; they sit in a function that is only type-checked, never called.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  after,
  Hour,
  Millisecond,
  Minute,
  newTicker,
  newTimer,
  recvCase,
  Second,
  select,
  synctest,
  tick,
  type RecvChan,
  type TickChan,
} from '../../../runtime/index.js';

/** forbidden holds the uses the compiler must reject; it is type-checked and never called. */
async function forbidden(d: number): Promise<void> {
  // @ts-expect-error tick(d) of a computed d may be nil (d <= 0): it cannot be used as a non-null channel
  const c1: RecvChan<Date> = tick(d);
  // @ts-expect-error tick(5 * Second) is a computed number to the compiler: nullable too
  await tick(5 * Second).recv();
  // @ts-expect-error tick(0) is always nil
  const c2: RecvChan<Date> = tick(0);
  // @ts-expect-error tick(-1) is always nil
  for await (const t of tick(-1)) void t;
  void [c1, c2];
}

describe('timer channel types', () => {
  it('rejects the forbidden uses at compile time (checked by tsc, never run)', () => {
    if (false as boolean) void forbidden(1);
    expect(typeof forbidden).toBe('function');
  });

  it('types after, newTimer and newTicker channels as non-null', () => {
    expectTypeOf(after(10)).toEqualTypeOf<RecvChan<Date>>();
    expectTypeOf(after(-1)).toEqualTypeOf<RecvChan<Date>>();
    expectTypeOf(newTimer(10).c).toEqualTypeOf<RecvChan<Date>>();
    const t = newTicker(10);
    expectTypeOf(t.c).toEqualTypeOf<RecvChan<Date>>();
    t.stop();
  });

  it('types tick by what the compiler can know of d', () => {
    const n = Number('250');
    expectTypeOf(tick(1000)).toEqualTypeOf<RecvChan<Date>>();
    expectTypeOf(tick(0.5)).toEqualTypeOf<RecvChan<Date>>();
    expectTypeOf(tick(Second)).toEqualTypeOf<RecvChan<Date>>(); // the duration constants have literal types
    expectTypeOf(tick(Minute)).toEqualTypeOf<RecvChan<Date>>();
    expectTypeOf(tick(Hour)).toEqualTypeOf<RecvChan<Date>>();
    expect([Minute, Hour]).toEqual([60 * Second, 60 * 60 * Second]);
    expectTypeOf(tick(0)).toEqualTypeOf<null>();
    expectTypeOf(tick(-5)).toEqualTypeOf<null>();
    expectTypeOf(tick(n)).toEqualTypeOf<RecvChan<Date> | null>();
    expectTypeOf(tick(100 * Millisecond)).toEqualTypeOf<RecvChan<Date> | null>();
    expectTypeOf<TickChan<1 | 0>>().toEqualTypeOf<RecvChan<Date> | null>();
    expectTypeOf<TickChan<number>>().toEqualTypeOf<RecvChan<Date> | null>();
  });

  it('gives the values its types promise: a channel for d > 0, null (Go nil) for d <= 0', async () => {
    await synctest.run(async () => {
      const every = tick(1000);
      const first = await every.recv(); // no null check needed, none at run time either
      expect(first).toBeInstanceOf(Date);
      expect(tick(0)).toBeNull();
      expect(tick(-5)).toBeNull();
      const computed = tick(Number('0'));
      expect(computed).toBeNull();
      // A nullable tick works where Go's nil channel does: a select case on it is never ready.
      expect(await select([recvCase(computed, () => 'tick'), recvCase(after(10), () => 'after')])).toBe('after');
    });
  });
});
