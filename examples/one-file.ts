/**
 * one-file: a Go program's shape in one file, tasks and main() together. It finds the start below 1,000,000 with
 * the longest Collatz chain (n -> n/2 if even, 3n+1 if odd, until 1): each chunk of the range is a goroutine on a
 * worker thread, and each sends its best over a shared channel to main, which prints the overall best and each
 * chunk's.
 *
 * A worker imports this file to find longestChain, so the file's top level runs there too: main() does nothing on
 * a worker, so the program runs once, on the main thread; a top-level console.log would print once per thread.
 * task(fn) needs no import.meta.url: it finds this module from the stack of the call.
 * Run: npx tsx examples/one-file.ts
 */
import { codec, go, main, sharedChan, task, type SendChan } from '../runtime/index.js';

const LIMIT = 1_000_000;
const CHUNKS = 8;

/** Best is a chunk's answer: the start of its longest chain and the chain's steps. */
interface Best {
  chunk: number;
  start: number;
  steps: number;
}

function steps(n: number): number {
  let s = 0;
  for (; n !== 1; s++) n = n % 2 === 0 ? n / 2 : 3 * n + 1;
  return s;
}

/** longestChain finds the start in [lo, hi) with the longest chain (the first, on a tie) and sends it on `out`. */
export const longestChain = task(async function longestChain(chunk: number, lo: number, hi: number, out: SendChan<Best>) {
  let best: Best = { chunk, start: lo, steps: steps(lo) };
  for (let n = lo + 1; n < hi; n++) {
    const s = steps(n);
    if (s > best.steps) best = { chunk, start: n, steps: s };
  }
  await out.send(best);
});

main(async () => {
  const results = sharedChan(codec.record({ fields: { chunk: 'int32', start: 'int32', steps: 'int32' } }), CHUNKS);
  const size = LIMIT / CHUNKS;
  for (let c = 0; c < CHUNKS; c++) go(longestChain, c, Math.max(1, c * size), (c + 1) * size, results);

  const byChunk = new Array<Best>(CHUNKS);
  for (let i = 0; i < CHUNKS; i++) {
    const b = (await results.recv())!;
    byChunk[b.chunk] = b;
  }
  const best = byChunk.reduce((a, b) => (b.steps > a.steps ? b : a));
  console.log(`longest chain below ${LIMIT}: ${best.start}, ${best.steps} steps`);
  console.log(`per chunk: ${byChunk.map((b) => `${b.start} (${b.steps})`).join(', ')}`);
});

// Output:
// longest chain below 1000000: 837799, 524 steps
// per chunk: 106239 (353), 230631 (442), 345947 (440), 410011 (448), 511935 (469), 626331 (508), 837799 (524), 939497 (506)
