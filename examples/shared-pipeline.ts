/**
 * shared-pipeline: a pipeline whose stages run on different threads, joined by shared channels. generate and
 * square run as goroutines on worker threads; the main goroutine sums. Closing a channel ends the next stage's
 * `for await`, exactly as with local channels.
 * Run: npx tsx examples/shared-pipeline.ts
 */
import { codec, go, main, sharedChan } from '../runtime/index.js';
import { generate, square } from './tasks/pipeline.js';

const N = 10_000;

main(async () => {
  const numbers = sharedChan(codec.int32, 256);
  const squares = sharedChan(codec.float64, 256);
  go(generate, N, numbers); // stage 1, on a worker
  go(square, numbers, squares); // stage 2, on a worker

  let sum = 0;
  let count = 0;
  for await (const s of squares) {
    sum += s;
    count++;
  }
  console.log(`received ${count} squares through two threads`);
  console.log(`sum of squares 1..${N}: ${sum} (expected ${(N * (N + 1) * (2 * N + 1)) / 6})`);
});

// Output:
// received 10000 squares through two threads
// sum of squares 1..10000: 333383335000 (expected 333383335000)
