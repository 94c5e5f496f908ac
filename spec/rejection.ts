/**
 * rejection: the check behind "a call that returns a promise never throws". It calls `f`, fails the test if the
 * call throws synchronously or returns something that is not a promise, and returns what the promise rejects with
 * (failing if it resolves).
 */
import { expect } from 'vitest';

export async function rejection(f: () => unknown): Promise<unknown> {
  let p: unknown;
  try {
    p = f();
  } catch (e) {
    throw new Error(`expected a rejected promise, but the call threw synchronously: ${String(e)}`);
  }
  expect(p).toBeInstanceOf(Promise);
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * expectRejection checks that `f` returns a promise (no synchronous throw) that rejects with an instance of `cls`
 * whose message is `message` (exactly, or matching a RegExp).
 */
export async function expectRejection(
  f: () => unknown,
  cls: abstract new (...args: never[]) => Error,
  message: string | RegExp,
): Promise<void> {
  const e = await rejection(f);
  expect(e).toBeInstanceOf(cls);
  if (typeof message === 'string') expect((e as Error).message).toBe(message);
  else expect((e as Error).message).toMatch(message);
}
