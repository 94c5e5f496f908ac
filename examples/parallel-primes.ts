/**
 * parallel-primes: CPU work spread over worker threads. Each chunk of the range is a goroutine started with go() on
 * a worker (countPrimes is a task: a top-level function of examples/tasks/primes.ts); results come back through a
 * shared channel, a channel in SharedArrayBuffer that every thread can use.
 * Run: npx tsx examples/parallel-primes.ts
 */
import { codec, go, main, sharedChan } from '../runtime/index.js';
import { countPrimes } from './tasks/primes.js';

const LIMIT = 2_000_000;
const CHUNKS = 8;

main(async () => {
  const results = sharedChan(codec.record({ fields: { chunk: 'int32', count: 'int32' } }), CHUNKS);
  const size = LIMIT / CHUNKS;
  for (let c = 0; c < CHUNKS; c++) go(countPrimes, c, c * size, (c + 1) * size, results);

  const perChunk: number[] = new Array<number>(CHUNKS).fill(0);
  for (let i = 0; i < CHUNKS; i++) {
    const { chunk, count } = (await results.recv())!;
    perChunk[chunk] = count;
  }
  console.log(`primes below ${LIMIT}: ${perChunk.reduce((a, b) => a + b, 0)}`);
  console.log(`per chunk of ${size}: ${perChunk.join(' ')}`);
});

// Output:
// primes below 2000000: 148933
// per chunk of 250000: 22044 19494 18700 18260 17971 17686 17453 17325
