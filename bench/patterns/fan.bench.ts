/**
 * fan: what fanning N items out to 8 workers and back costs per item, when the work itself is nothing (an async
 * function that resolves at once), beside the usual JS way of bounding concurrency.
 *
 *   baseline            Promise.all(items.map(fn)): every item at once, no bound
 *   p-limit 6           Promise.all(items.map((x) => limit(() => fn(x)))) with pLimit(8)
 *   FanOut              distribute(items, fn), workerCount 8: a feeder, a jobs channel, 8 worker goroutines
 *                       (batchSize 1 and 64; and load-balanced: a dispatcher and per-worker channels)
 *   FanPattern stream   processStream over an async generator: feeder, 8 workers, FanIn, in-order reassembly
 *   FanIn merge         8 prefilled channels merged into one (Go's merge; and the 'priority' merger), per item
 *
 * Targets for gocsp (set before measuring): FanOut batchSize 1 within 1.5x of p-limit per item; batchSize 64
 * below p-limit; FanIn round-robin merge under 1 us per item.
 *
 * Run alone: npx tsx bench/patterns/fan.bench.ts
 */
import pLimit from 'p-limit';
import { chan } from '../../runtime/chan/local-chan.js';
import type { Chan } from '../../runtime/chan/types.js';
import { FanPattern } from '../../patterns/fan-patterns/fan-pattern.js';
import { FanIn } from '../../patterns/fan-patterns/fan-in.js';
import { FanOut } from '../../patterns/fan-patterns/fan-out.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';

const N = 10_000;
const WORKERS = 8;
const SUM = sumTo(N);
const ITEMS = Array.from({ length: N }, (_, i) => i);

/** fn is the per-item work: an async function that resolves at once. */
async function fn(i: number): Promise<number> {
  return i;
}

const sum = (xs: readonly number[]): number => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

const fanOut1 = new FanOut<number, number>({ workerCount: WORKERS, enableMetrics: false });
const fanOut64 = new FanOut<number, number>({ workerCount: WORKERS, batchSize: 64, enableMetrics: false });
const balanced = new FanOut<number, number>({ workerCount: WORKERS, enableLoadBalancing: true, enableMetrics: false });
const stream = new FanPattern<number, number>({ workerCount: WORKERS, enableMetrics: false });

async function* source(): AsyncGenerator<number> {
  for (let i = 0; i < N; i++) yield i;
}

async function merge(strategy: 'round-robin' | 'priority'): Promise<number> {
  const fanIn = new FanIn<number>({ mergeStrategy: strategy, bufferSize: 64, enableMetrics: false });
  const per = N / WORKERS;
  for (let w = 0; w < WORKERS; w++) {
    const ch: Chan<number> = chan<number>(per);
    for (let k = 0; k < per; k++) ch.trySend(w * per + k);
    ch.close();
    fanIn.addInput(ch);
  }
  let s = 0;
  for await (const v of fanIn.merge()) s += v;
  return s;
}

const bench = newBench(`fan: ${N} items over ${WORKERS} workers, per item`);
bench
  .add('baseline: Promise.all (unbounded)', timed(N, SUM, async () => sum(await Promise.all(ITEMS.map(fn)))), { async: true })
  .add(
    `p-limit 6 (${WORKERS}) + Promise.all`,
    timed(N, SUM, async () => {
      const limit = pLimit(WORKERS);
      return sum(await Promise.all(ITEMS.map((x) => limit(() => fn(x)))));
    }),
    { async: true },
  )
  .add('gocsp FanOut.distribute (batch 1)', timed(N, SUM, async () => sum(await fanOut1.distribute(ITEMS, fn))), { async: true })
  .add('gocsp FanOut.distribute (batch 64)', timed(N, SUM, async () => sum(await fanOut64.distribute(ITEMS, fn))), { async: true })
  .add('gocsp FanOut load-balanced (least-loaded)', timed(N, SUM, async () => sum(await balanced.distribute(ITEMS, fn))), {
    async: true,
  })
  .add(
    'gocsp FanPattern.processStream (ordered)',
    timed(N, SUM, async () => {
      let s = 0;
      for await (const v of stream.processStream(source(), fn)) s += v;
      return s;
    }),
    { async: true },
  )
  .add('gocsp FanIn.merge 8 channels (round-robin)', timed(N, SUM, () => merge('round-robin')), { async: true })
  .add('gocsp FanIn.merge 8 channels (priority)', timed(N, SUM, () => merge('priority')), { async: true });

await bench.run();
report(bench, {
  unit: 'item',
  opsPerSample: `${N} items through ${WORKERS} workers (or merged from ${WORKERS} channels)`,
  note:
    'Targets: FanOut batch 1 within 1.5x of p-limit per item; FanOut batch 64 below p-limit; FanIn round-robin merge under 1 us per item.',
});
