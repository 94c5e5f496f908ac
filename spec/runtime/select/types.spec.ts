/** Compile-time checks of select's result types (tsc verifies them; the runtime part only smoke-tests). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { chan, recvCase, select, sendCase } from '../../../runtime/index.js';

describe('select result types', () => {
  it('types a case without a callback as undefined and unions callback results', async () => {
    const a = chan<number>(1);
    const b = chan<string>(1);
    a.trySend(1);
    const plain = select([recvCase(a)]);
    expectTypeOf(plain).toEqualTypeOf<Promise<undefined>>();
    expect(await plain).toBeUndefined();
    b.trySend('x');
    const mixed = select([recvCase(b, (v) => v), sendCase(a, 2, () => 42)]);
    expectTypeOf(mixed).toEqualTypeOf<Promise<string | number | undefined>>();
    expect(await mixed).toBeDefined();
    const withDefault = select([recvCase(a, () => true)], () => 'none' as const);
    expectTypeOf(withDefault).toEqualTypeOf<boolean | 'none'>();
  });
});
