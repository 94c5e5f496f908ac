/**
 * The concurrent prime sieve (Go's test/chan/sieve1.go): a generator goroutine feeds a chain of filter goroutines,
 * one per prime found so far. Every goroutine also selects on `quit`, so closing it tears the chain down.
 */
import { describe, expect, it } from 'vitest';
import {
  chan,
  go,
  recvCase,
  select,
  sendCase,
  synctest,
  type RecvChan,
  type SendChan,
} from '../../../runtime/index.js';

const STOP = Symbol('stop');
const stop = (): typeof STOP => STOP;

/** generate sends 2, 3, 4, ... on `out` until `quit` is closed. */
async function generate(out: SendChan<number>, quit: RecvChan<void>): Promise<void> {
  for (let i = 2; ; i++) {
    if ((await select([sendCase(out, i), recvCase(quit, stop)])) === STOP) return;
  }
}

/** filter copies the values of `src` not divisible by `prime` to `dst`, until `quit` is closed. */
async function filter(
  src: RecvChan<number>,
  dst: SendChan<number>,
  prime: number,
  quit: RecvChan<void>,
): Promise<void> {
  for (;;) {
    const v = await select([recvCase(src, (x) => x!), recvCase(quit, stop)]);
    if (v === STOP) return;
    if (v % prime === 0) continue;
    if ((await select([sendCase(dst, v), recvCase(quit, stop)])) === STOP) return;
  }
}

async function sieve(n: number, capacity: number): Promise<number[]> {
  const quit = chan<void>();
  let src: RecvChan<number>;
  {
    const ch = chan<number>(capacity);
    go(generate, ch, quit);
    src = ch;
  }
  const primes: number[] = [];
  while (primes.length < n) {
    const prime = (await src.recv())!;
    primes.push(prime);
    const dst = chan<number>(capacity);
    go(filter, src, dst, prime, quit);
    src = dst;
  }
  quit.close();
  return primes;
}

const FIRST_25 = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

describe('prime sieve', () => {
  it.each([0, 1, 10])('finds the first 25 primes through a chain of filter goroutines (chan(%i))', async (capacity) => {
    let primes: number[] = [];
    // synctest.run resolves only once every goroutine has returned: closing quit stopped the whole chain.
    await synctest.run(async () => {
      primes = await sieve(25, capacity);
    });
    expect(primes).toEqual(FIRST_25);
  });

  it('finds the 500th prime through 500 filters', async () => {
    let primes: number[] = [];
    await synctest.run(async () => {
      primes = await sieve(500, 0);
    });
    expect(primes.at(-1)).toBe(3571);
  });
});
