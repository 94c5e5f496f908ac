/**
 * Misuse of select, recvCase and sendCase is an InvalidArgumentError naming the argument and the bad value, raised
 * before any channel is touched: thrown at the call by the synchronous ones (recvCase, sendCase, select with a
 * default), the rejection of the promise a select without default returns (a promise-returning call never throws).
 */
import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  InvalidArgumentError,
  isInvalidArgumentError,
  recvCase,
  select,
  sendCase,
  type Chan,
  type SelectCase,
} from '../../../runtime/index.js';
import { rejection } from '../../rejection.js';

function expectInvalid(f: () => unknown, message: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect(isInvalidArgumentError(err)).toBe(true);
  expect((err as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
  expect((err as Error).message).toBe(message);
}

/** expectRejected is expectInvalid for a select without default: a rejected promise, no synchronous throw. */
async function expectRejected(f: () => unknown, message: string | RegExp): Promise<void> {
  const err = await rejection(f);
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect(isInvalidArgumentError(err)).toBe(true);
  expect((err as Error).message).toMatch(message);
}

const any = <T,>(v: unknown): T => v as T;
type Cases = SelectCase<unknown>[];
type Case = SelectCase<unknown>;

describe('select argument checks', () => {
  it('rejects cases that are not an array', async () => {
    await expectRejected(() => select(any<Cases>(undefined)), /^select: cases must be an array, got undefined$/);
    await expectRejected(() => select(any<Cases>(7)), /^select: cases must be an array, got 7$/);
    await expectRejected(() => select(any<Cases>(recvCase(chan()))), /^select: cases must be an array, got \{/);
    expectInvalid(() => select(any<Cases>('abc'), () => 0), 'select: cases must be an array, got "abc"');
  });

  it('rejects an element not made by recvCase or sendCase, naming its index, without touching the channels', async () => {
    const c = chan<number>(1);
    c.trySend(1);
    await expectRejected(
      () => select([recvCase(c), any<Case>({ ch: c })]),
      /^select: case 1 must be made by recvCase or sendCase, got \{"ch":\{\}\}$/,
    );
    expectInvalid(
      () => select([any<Case>(c)], () => 0),
      'select: case 0 must be made by recvCase or sendCase, got {}',
    );
    await expectRejected(
      () => select([recvCase(c), any<Case>(null)]),
      /^select: case 1 must be made by recvCase or sendCase, got null$/,
    );
    expect(c.len()).toBe(1); // the valid case was not run
  });

  it('rejects a default that is not a function', () => {
    expectInvalid(() => select([], any(5)), 'select: default must be a function, got 5');
    expectInvalid(() => select([], any('x')), 'select: default must be a function, got "x"');
  });

  it('without a default, never throws: misuse is the rejection of the promise it returns', async () => {
    await expectRejected(() => select([any<Case>(42)]), /^select: case 0 must be made by recvCase or sendCase/);
  });

  it('with a default, throws at the call (it is synchronous)', () => {
    expect(() => select([any<Case>(42)], () => 0)).toThrow(InvalidArgumentError);
  });
});

describe('recvCase and sendCase argument checks', () => {
  it('reject a channel that is not a gocsp channel or null', () => {
    expectInvalid(() => recvCase(any<Chan<number>>({})), 'recvCase: ch must be a channel or null, got {}');
    expectInvalid(
      () => recvCase(any<Chan<number>>(undefined)),
      'recvCase: ch must be a channel or null, got undefined',
    );
    expectInvalid(() => recvCase(any<Chan<number>>(7)), 'recvCase: ch must be a channel or null, got 7');
    expectInvalid(() => sendCase(any<Chan<number>>([]), 1), 'sendCase: ch must be a channel or null, got []');
    expectInvalid(() => sendCase(any<Chan<number>>('c'), 1), 'sendCase: ch must be a channel or null, got "c"');
    // A look-alike with recv/send methods is not a channel either.
    const fake = { recv: async () => 1, send: async () => {}, close() {} };
    expectInvalid(() => recvCase(any<Chan<number>>(fake)), 'recvCase: ch must be a channel or null, got {}');
  });

  it('reject a callback that is not a function (undefined is allowed)', () => {
    const c = chan<number>();
    expectInvalid(() => recvCase(c, any(5)), 'recvCase: fn must be a function, got 5');
    expectInvalid(() => recvCase(c, any(null)), 'recvCase: fn must be a function, got null');
    expectInvalid(() => sendCase(c, 1, any('f')), 'sendCase: fn must be a function, got "f"');
    expect(() => recvCase(c, undefined)).not.toThrow();
    expect(() => sendCase(c, 1, undefined)).not.toThrow();
  });

  it('reject a send case on a timer channel when the select polls it', async () => {
    const t = after(1000);
    expectInvalid(
      () => select([sendCase(any<Chan<Date>>(t), new Date())], () => 0),
      'select: cannot send to a timer channel',
    );
    await expectRejected(
      () => select([sendCase(any<Chan<Date>>(t), new Date())]),
      /^select: cannot send to a timer channel$/,
    );
  });
});
