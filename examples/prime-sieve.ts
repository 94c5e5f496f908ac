/**
 * prime-sieve: the concurrent prime sieve from the Go tour, a chain of filter goroutines joined by channels.
 * Run: npx tsx examples/prime-sieve.ts
 */
import { chan, go, main, type RecvChan, type SendChan } from '../runtime/index.js';

/** generate sends 2, 3, 4, ... to ch. */
async function generate(ch: SendChan<number>): Promise<void> {
  for (let i = 2; ; i++) await ch.send(i);
}

/** filter copies the values from src to dst, removing those divisible by prime. */
async function filter(src: RecvChan<number>, dst: SendChan<number>, prime: number): Promise<void> {
  for await (const n of src) {
    if (n % prime !== 0) await dst.send(n);
  }
}

main(async () => {
  let ch = chan<number>();
  go(generate, ch);
  const primes: number[] = [];
  for (let i = 0; i < 25; i++) {
    const prime = (await ch.recv())!;
    primes.push(prime);
    const next = chan<number>();
    go(filter, ch, next, prime);
    ch = next;
  }
  console.log(primes.join(' '));
});

// Output:
// 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97
