/**
 * Task module of examples/parallel-primes.ts: functions defined at the top level and marked with task(), so the
 * scheduler can find them again on a worker thread by this module's URL.
 */
import { task, type SendChan } from '../../runtime/index.js';

/** Counted is one chunk's result. */
export interface Counted {
  chunk: number;
  count: number;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/** countPrimes counts the primes in [lo, hi) (CPU work) and sends the result on `results`. */
export const countPrimes = task(
  import.meta.url,
  async function countPrimes(chunk: number, lo: number, hi: number, results: SendChan<Counted>): Promise<void> {
    let count = 0;
    for (let n = lo; n < hi; n++) if (isPrime(n)) count++;
    await results.send({ chunk, count });
  },
);
