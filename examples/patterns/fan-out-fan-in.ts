/**
 * fan-out-fan-in: the seed's usage block. FanOut spreads items over worker goroutines and gives the results back in
 * input order; FanIn merges the result channels of three workers into one; FanPattern does both, for an array or a
 * stream.
 *
 * The processing takes a few milliseconds per item and finishes in an order that depends on the machine, so what
 * is printed is what does not: results in input order, and sorted or counted merges.
 *
 * Run: npx tsx examples/patterns/fan-out-fan-in.ts
 */
import { chan, go, main, sleep, type Chan } from '../../runtime/index.js';
import { FanIn, FanOut, FanPattern, isFanTimeoutError } from '../../patterns/index.js';

interface ProcessedData {
  id: string;
  length: number;
}

/** processItem is some I/O-bound work: a short wait, then a small record. */
async function processItem(item: string): Promise<ProcessedData> {
  await sleep(item.length % 3);
  return { id: item.toUpperCase(), length: item.length };
}

const dataItems = ['go', 'chan', 'select', 'mutex', 'waitgroup', 'context', 'ticker', 'once', 'semaphore', 'errgroup'];

/** workerResults is a worker that produces the processed form of `items` on a channel, then closes it. */
function workerResults(items: string[]): Chan<ProcessedData> {
  const out = chan<ProcessedData>();
  go(async () => {
    for (const item of items) await out.send(await processItem(item));
    out.close();
  });
  return out;
}

main(async () => {
  // Fan-out for parallel processing
  const fanOut = new FanOut<string, ProcessedData>({
    workerCount: 8,
    batchSize: 100,
    enableLoadBalancing: true,
  });
  const results = await fanOut.distribute(dataItems, async (item) => await processItem(item));
  console.log(`fan-out: ${results.map((r) => `${r.id}:${r.length}`).join(' ')}`);
  const m = fanOut.getMetrics();
  console.log(`  ${m.completed} items in ${m.batches} batch on ${m.workerCount} workers (${m.loadBalancer})`);

  // Fan-in for result aggregation
  const fanIn = new FanIn<ProcessedData>();
  fanIn.addInput(workerResults(dataItems.slice(0, 3)));
  fanIn.addInput(workerResults(dataItems.slice(3, 7)));
  fanIn.addInput(workerResults(dataItems.slice(7)));
  console.log(`fan-in: merging ${fanIn.getInputCount()} inputs`);
  const mergedResults = fanIn.merge();
  const merged: string[] = [];
  for await (const r of mergedResults) merged.push(r.id);
  console.log(`  merged ${merged.length} results (sorted): ${merged.sort().join(' ')}`);
  console.log(`  inputs left: ${fanIn.getInputCount()}, error: ${fanIn.err() ?? 'none'}`);

  // Priority merge: urgent values first whenever both inputs have some ready
  const urgent = chan<string>(3);
  const routine = chan<string>(3);
  for (const v of ['r1', 'r2', 'r3']) routine.trySend(v);
  for (const v of ['u1', 'u2']) urgent.trySend(v);
  urgent.close();
  routine.close();
  const byPriority = new FanIn<string>({ mergeStrategy: 'priority' });
  byPriority.addInput(routine);
  byPriority.addInput(urgent, { priority: 10 });
  const order: string[] = [];
  for await (const v of byPriority.merge()) order.push(v);
  console.log(`priority merge: ${order.join(' ')}`);

  // Combined fan pattern
  const fanPattern = new FanPattern<string, ProcessedData>({ workerCount: 4 });
  const combined = await fanPattern.process(dataItems, async (item) => await processItem(item));
  console.log(`fan pattern: ${combined.map((r) => r.length).join(',')}`);

  // ...and as a stream, in input order, with a per-item timeout
  async function* words(): AsyncGenerator<string> {
    yield* ['alpha', 'beta', 'gamma', 'delta'];
  }
  const streamed: string[] = [];
  for await (const r of fanPattern.processStream(words(), processItem)) streamed.push(r.id);
  console.log(`stream: ${streamed.join(' ')}`);

  const strict = new FanOut<string, string>({ workerCount: 2, timeout: 50 });
  const slow = (item: string): Promise<string> => (item === 'stuck' ? new Promise<string>(() => {}) : Promise.resolve(item));
  try {
    await strict.distribute(['ok', 'stuck', 'fine'], slow);
  } catch (e) {
    console.log(`timeout: ${isFanTimeoutError(e) ? e.message : String(e)}`);
  }
});

// Output:
// fan-out: GO:2 CHAN:4 SELECT:6 MUTEX:5 WAITGROUP:9 CONTEXT:7 TICKER:6 ONCE:4 SEMAPHORE:9 ERRGROUP:8
//   10 items in 1 batch on 8 workers (least-loaded)
// fan-in: merging 3 inputs
//   merged 10 results (sorted): CHAN CONTEXT ERRGROUP GO MUTEX ONCE SELECT SEMAPHORE TICKER WAITGROUP
//   inputs left: 0, error: none
// priority merge: u1 u2 r1 r2 r3
// fan pattern: 2,4,6,5,9,7,6,4,9,8
// stream: ALPHA BETA GAMMA DELTA
// timeout: item 1 timed out after 50 ms
