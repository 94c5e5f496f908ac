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
